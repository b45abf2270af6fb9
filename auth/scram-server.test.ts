import { Buffer } from "node:buffer";
import { createHmac, pbkdf2Sync } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ScramSecret } from "./authenticator.ts";
import { decodeSaslName, encodeSaslName, ScramServer, scramInvalidCredentials, type ScramLookup } from "./scram-server.ts";
import { deriveScramCredential, scramDigest, scramHmac, type ScramMechanism } from "./scram-credential.ts";

// RFC 7677 §3: SCRAM-SHA-256 for user "user", password "pencil".
const rfc = {
  clientFirst: "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
  serverNonce: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
  serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
  clientFinal: "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
  serverFinal: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
};

const principal = Object.freeze({ name: "user", rights: [] });

function secretOf(mechanism: ScramMechanism, password: string, salt: Uint8Array): ScramSecret {
  const credential = deriveScramCredential(mechanism, password, salt, 4096);
  return { salt, iterations: 4096, storedKey: Buffer.from(credential.stored_key, "base64"), serverKey: Buffer.from(credential.server_key, "base64") };
}

function lookupFor(mechanism: ScramMechanism, users: Record<string, string>, salt = Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64")): ScramLookup {
  return (name) => (name in users ? { principal: { name, rights: [] }, secret: secretOf(mechanism, users[name]!, salt) } : null);
}

const rfcLookup: ScramLookup = (name) => (name === "user" ? { principal, secret: secretOf("SCRAM-SHA-256", "pencil", Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64")) } : null);

/** A client's side of the conversation, written from RFC 5802 §3, to drive the server. */
function clientFinalFor(mechanism: ScramMechanism, password: string, clientFirstBare: string, serverFirst: string, gs2Header = "n,,"): { message: string; serverSignature: string } {
  const fields = Object.fromEntries(serverFirst.split(",").map((f) => [f[0], f.slice(2)]));
  const hash = mechanism === "SCRAM-SHA-256" ? "sha256" : "sha512";
  const salted = pbkdf2Sync(password, Buffer.from(fields.s!, "base64"), Number(fields.i), hash === "sha256" ? 32 : 64, hash);
  const clientKey = scramHmac(mechanism, salted, "Client Key");
  const withoutProof = `c=${Buffer.from(gs2Header).toString("base64")},r=${fields.r}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = scramHmac(mechanism, scramDigest(mechanism, clientKey), authMessage);
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!)).toString("base64");
  const serverKey = scramHmac(mechanism, salted, "Server Key");
  return { message: `${withoutProof},p=${proof}`, serverSignature: createHmac(hash, serverKey).update(authMessage).digest("base64") };
}

/** librdkafka's client-final: `r=` is the client nonce followed by the server-first nonce. */
function doubledFinal(mechanism: ScramMechanism, password: string, clientFirstBare: string, serverFirst: string): string {
  const fields = Object.fromEntries(serverFirst.split(",").map((f) => [f[0], f.slice(2)]));
  const clientNonce = clientFirstBare.split(",")[1]!.slice(2);
  const hash = mechanism === "SCRAM-SHA-256" ? "sha256" : "sha512";
  const salted = pbkdf2Sync(password, Buffer.from(fields.s!, "base64"), Number(fields.i), hash === "sha256" ? 32 : 64, hash);
  const clientKey = scramHmac(mechanism, salted, "Client Key");
  const withoutProof = `c=biws,r=${clientNonce}${fields.r}`;
  const signature = scramHmac(mechanism, scramDigest(mechanism, clientKey), `${clientFirstBare},${serverFirst},${withoutProof}`);
  return `${withoutProof},p=${Buffer.from(clientKey.map((b, i) => b ^ signature[i]!)).toString("base64")}`;
}

test("ScramServer reproduces RFC 7677's SCRAM-SHA-256 exchange byte for byte", () => {
  const server = new ScramServer("SCRAM-SHA-256", rfcLookup, { serverNonce: rfc.serverNonce });
  assert.equal(server.step(rfc.clientFirst), { kind: "challenge", message: rfc.serverFirst });
  assert.equal(server.step(new TextEncoder().encode(rfc.clientFinal)), { kind: "success", message: rfc.serverFinal, principal });
  assert.ok(server.done);
  assert.is(server.step(rfc.clientFinal).kind, "failure", "a finished conversation accepts nothing more");
});

test("ScramServer fails RFC 7677's exchange when one proof bit differs, and says only 'invalid credentials'", () => {
  const server = new ScramServer("SCRAM-SHA-256", rfcLookup, { serverNonce: rfc.serverNonce });
  server.step(rfc.clientFirst);
  const bad = rfc.clientFinal.replace("p=dHzb", "p=dHzc");
  assert.equal(server.step(bad), { kind: "failure", reason: scramInvalidCredentials });
});

for (const mechanism of ["SCRAM-SHA-256", "SCRAM-SHA-512"] as const) {
  test(`ScramServer ${mechanism} authenticates the right password and refuses a wrong one`, () => {
    const lookup = lookupFor(mechanism, { "ops": "ops-secret-123" });
    for (const [password, ok] of [["ops-secret-123", true], ["ops-secret-124", false]] as const) {
      const server = new ScramServer(mechanism, lookup);
      const bare = "n=ops,r=client-nonce-1";
      const first = server.step(`n,,${bare}`);
      assert.is(first.kind, "challenge");
      const serverFirst = (first as { message: string }).message;
      assert.match(serverFirst, /^r=client-nonce-1[A-Za-z0-9+/=]{32},s=[A-Za-z0-9+/=]+,i=4096$/);
      const final = clientFinalFor(mechanism, password, bare, serverFirst);
      const result = server.step(final.message);
      if (ok) assert.equal(result, { kind: "success", message: `v=${final.serverSignature}`, principal: { name: "ops", rights: [] } });
      else assert.equal(result, { kind: "failure", reason: scramInvalidCredentials });
    }
  });

  test(`ScramServer ${mechanism} gives an unknown user a stable-looking server-first, then fails like a wrong password`, () => {
    const lookup = lookupFor(mechanism, { "ops": "ops-secret-123" });
    const salts = [0, 1].map(() => {
      const server = new ScramServer(mechanism, lookup);
      const first = server.step("n,,n=nobody,r=abc");
      assert.is(first.kind, "challenge");
      const serverFirst = (first as { message: string }).message;
      assert.match(serverFirst, /^r=abc[A-Za-z0-9+/=]+,s=[A-Za-z0-9+/=]{44},i=4096$/, "same shape as a derived credential's (32-byte salt)");
      const final = clientFinalFor(mechanism, "anything-at-all", "n=nobody,r=abc", serverFirst);
      assert.equal(server.step(final.message), { kind: "failure", reason: scramInvalidCredentials });
      return serverFirst.split(",")[1];
    });
    assert.is(salts[0], salts[1], "the same unknown name gets the same salt each time");
    const other = new ScramServer(mechanism, lookup).step("n,,n=someone-else,r=abc") as { message: string };
    assert.is.not(other.message.split(",")[1], salts[0], "different names get different salts");
  });
}

test("ScramServer unescapes =2C and =3D in user names and accepts an authzid equal to the user", () => {
  const lookup = lookupFor("SCRAM-SHA-256", { "a,b=c": "secret-123" });
  const bare = `n=${encodeSaslName("a,b=c")},r=xyz`;
  assert.is(bare, "n=a=2Cb=3Dc,r=xyz");
  const server = new ScramServer("SCRAM-SHA-256", lookup);
  const first = server.step(`n,a=a=2Cb=3Dc,${bare}`) as { kind: string; message: string };
  assert.is(first.kind, "challenge");
  const final = clientFinalFor("SCRAM-SHA-256", "secret-123", bare, first.message, "n,a=a=2Cb=3Dc,");
  assert.is(server.step(final.message).kind, "success");
  assert.is(decodeSaslName("x=2Cy"), "x,y");
  assert.is(decodeSaslName("x=2cy"), null, "escapes are upper case");
  assert.is(decodeSaslName("x=y"), null);
});

test("ScramServer refuses malformed client-first messages with a reason", () => {
  const cases: Array<[string, RegExp]> = [
    ["", /malformed/],
    ["n,,", /malformed/],
    ["p=tls-unique,,n=user,r=abc", /channel binding is not supported/],
    ["x,,n=user,r=abc", /gs2 header/],
    ["n,,m=ext,n=user,r=abc", /mandatory extensions/],
    ["n,,r=abc,n=user", /malformed/],
    ["n,,n=us=er,r=abc", /user name/],
    ["n,,n=,r=abc", /user name/],
    ["n,,n=user,r=", /nonce/],
    ["n,,n=user,r=a b", /nonce/],
    ["n,a=other,n=user,r=abc", /authorization id/],
  ];
  for (const [message, reason] of cases) {
    const step = new ScramServer("SCRAM-SHA-256", rfcLookup).step(message);
    assert.is(step.kind, "failure", message);
    assert.match((step as { reason: string }).reason, reason, message);
  }
  assert.match((new ScramServer("SCRAM-SHA-256", rfcLookup).step(new Uint8Array([0x6e, 0x2c, 0x2c, 0xff])) as { reason: string }).reason, /UTF-8/);
});

test("ScramServer refuses client-final messages with the wrong channel binding, nonce or proof shape", () => {
  const cases: Array<[string, RegExp]> = [
    [rfc.clientFinal.replace("c=biws", "c=eSws"), /channel binding/],
    [rfc.clientFinal.replace("r=rOpr", "r=xOpr"), /nonce/],
    [rfc.clientFinal.replace(/,p=.*$/, ""), /malformed/],
    [rfc.clientFinal.replace(/p=.*$/, "p=dHzb"), /proof/],
    [rfc.clientFinal.replace(/p=.*$/, "p=AAAA"), /proof/],
    ["r=abc,p=AAAA", /malformed/],
  ];
  for (const [message, reason] of cases) {
    const server = new ScramServer("SCRAM-SHA-256", rfcLookup, { serverNonce: rfc.serverNonce });
    server.step(rfc.clientFirst);
    const step = server.step(message);
    assert.is(step.kind, "failure", message);
    assert.match((step as { reason: string }).reason, reason, message);
    assert.not.match((step as { reason: string }).reason, /dHzb|pencil/, "no proof or secret in the reason");
  }
});

test("ScramServer accepts librdkafka's client-final, which repeats the client nonce before the server-first one", () => {
  const bare = "n=user,r=rOprNGfwEbeRWgbNEkqO";
  const server = new ScramServer("SCRAM-SHA-256", rfcLookup, { serverNonce: rfc.serverNonce });
  server.step(rfc.clientFirst);
  const doubled = doubledFinal("SCRAM-SHA-256", "pencil", bare, rfc.serverFirst);
  assert.ok(doubled.startsWith("c=biws,r=rOprNGfwEbeRWgbNEkqOrOprNGfwEbeRWgbNEkqO%hvYD"));
  assert.is(server.step(doubled).kind, "success");
  const other = new ScramServer("SCRAM-SHA-256", rfcLookup, { serverNonce: rfc.serverNonce });
  other.step(rfc.clientFirst);
  const tripled = doubled.replace("r=", "r=rOprNGfwEbeRWgbNEkqO");
  assert.equal(other.step(tripled), { kind: "failure", reason: "SCRAM nonce does not match" }, "only the two known forms");
});

test("ScramServer accepts the 'y' gs2 flag when the channel binding echoes it", () => {
  const server = new ScramServer("SCRAM-SHA-256", rfcLookup, { serverNonce: rfc.serverNonce });
  assert.is(server.step("y,,n=user,r=rOprNGfwEbeRWgbNEkqO").kind, "challenge");
  const final = clientFinalFor("SCRAM-SHA-256", "pencil", "n=user,r=rOprNGfwEbeRWgbNEkqO", rfc.serverFirst, "y,,");
  assert.match(final.message, /^c=eSws,/);
  assert.is(server.step(final.message).kind, "success");
});

test.run();
