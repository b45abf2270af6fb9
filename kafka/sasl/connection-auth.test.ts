import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Authenticator } from "../../auth/authenticator.ts";
import { apiKeys } from "../protocol/api-keys.ts";
import { ScramClient, saslPrincipals } from "../../test/support/kafka/sasl.ts";
import { ConnectionAuth, type TokenOutcome } from "./connection-auth.ts";
import { saslMechanisms } from "./sasl-exchange.ts";

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);
const authenticator = new Authenticator(saslPrincipals, { authFailureDelayMinMs: 7, authFailureDelayMaxMs: 7 });

function fresh(address = "10.0.0.1"): ConnectionAuth {
  return new ConnectionAuth(authenticator, address);
}

test("ConnectionAuth admits only ApiVersions and the SASL requests before a handshake", () => {
  for (const key of [apiKeys.ApiVersions, apiKeys.SaslHandshake, apiKeys.SaslAuthenticate]) assert.ok(fresh().admits(key), `key ${key}`);
  for (const key of [apiKeys.Metadata, apiKeys.Produce, apiKeys.Fetch, apiKeys.CreateTopics, 999]) {
    const auth = fresh();
    assert.not.ok(auth.admits(key), `key ${key}`);
    assert.is(auth.state.kind, "failed", "a refused request fails the connection");
    assert.not.ok(auth.admits(apiKeys.ApiVersions), "and nothing is answered after");
  }
});

test("ConnectionAuth.handshake() starts the exchange (v1: SaslAuthenticate only; v0: raw tokens)", () => {
  const v1 = fresh();
  assert.equal(v1.handshake("SCRAM-SHA-512", 1), { errorCode: 0, mechanisms: [...saslMechanisms], close: false });
  assert.is(v1.state.kind, "exchanging");
  assert.not.ok(v1.expectsRawToken);
  assert.ok(v1.admits(apiKeys.SaslAuthenticate));
  assert.not.ok(v1.admits(apiKeys.ApiVersions), "nothing but SaslAuthenticate during the exchange");
  const v0 = fresh();
  v0.handshake("PLAIN", 0);
  assert.ok(v0.expectsRawToken);
  assert.equal(v0.handshake("PLAIN", 1), { errorCode: 34, mechanisms: [...saslMechanisms], close: true }, "a second handshake mid-exchange");
  assert.is(v0.state.kind, "failed");
});

test("ConnectionAuth.handshake() refuses an unknown mechanism with 33 and the enabled list, and closes", () => {
  for (const mechanism of ["GSSAPI", "plain", "OAUTHBEARER", ""]) {
    const auth = fresh();
    assert.equal(auth.handshake(mechanism, 1), { errorCode: 33, mechanisms: ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"], close: true });
    assert.is(auth.state.kind, "failed");
  }
});

test("ConnectionAuth PLAIN: the right password authenticates the principal", () => {
  const auth = fresh();
  auth.handshake("PLAIN", 1);
  const outcome = auth.token(text("\0ops\0ops-secret-123"));
  assert.equal(outcome, { kind: "success", token: new Uint8Array(0), principal: auth.principal! });
  assert.is(auth.principal?.name, "ops");
  assert.ok(auth.admits(apiKeys.Produce));
  const withAuthzid = fresh();
  withAuthzid.handshake("PLAIN", 1);
  assert.is(withAuthzid.token(text("ops\0ops\0ops-secret-123")).kind, "success", "authzid equal to the user");
});

test("ConnectionAuth PLAIN: wrong password, unknown user, other authzid and bad shapes fail with 58, counted and delayed", () => {
  const cases: Array<[string, RegExp]> = [
    ["\0ops\0ops-secret-124", /invalid user name or password/],
    ["\0nobody\0ops-secret-123", /invalid user name or password/],
    ["reader\0ops\0ops-secret-123", /authorization id/],
    ["ops-secret-123", /malformed/],
    ["\0ops\0", /malformed/],
    ["\0ops\0ops-secret-123\0", /malformed/],
  ];
  for (const [message, reason] of cases) {
    const before = authenticator.failures.counts.get("kafka") ?? 0;
    const auth = fresh();
    auth.handshake("PLAIN", 1);
    const outcome = auth.token(text(message)) as Extract<TokenOutcome, { kind: "failure" }>;
    assert.is(outcome.kind, "failure", JSON.stringify(message));
    assert.is(outcome.errorCode, 58);
    assert.match(outcome.message, reason);
    assert.match(outcome.message, /^authentication failed with SASL mechanism PLAIN: /);
    assert.not.match(outcome.message, /secret/, "no password in the message");
    assert.is(outcome.delayMs, 7, "the throttle's delay");
    assert.is(authenticator.failures.counts.get("kafka"), before + 1);
    assert.is(auth.state.kind, "failed");
    assert.is(auth.principal, null);
  }
});

for (const mechanism of ["SCRAM-SHA-256", "SCRAM-SHA-512"] as const) {
  test(`ConnectionAuth ${mechanism}: a full exchange authenticates; the server signature checks out`, () => {
    const auth = fresh();
    auth.handshake(mechanism, 1);
    const client = new ScramClient(mechanism, "reader", "reader-secret-1");
    const first = auth.token(text(client.first()));
    assert.is(first.kind, "challenge");
    assert.is(auth.state.kind, "exchanging");
    const final = auth.token(text(client.final(str((first as { token: Uint8Array }).token))));
    assert.is(final.kind, "success");
    assert.is(str((final as { token: Uint8Array }).token), client.serverSignature);
    assert.is(auth.principal?.name, "reader");
  });
}

test("ConnectionAuth.token() before a handshake or after success is ILLEGAL_SASL_STATE", () => {
  const early = fresh();
  assert.equal(early.token(text("\0ops\0ops-secret-123")), { kind: "failure", errorCode: 34, message: "SaslAuthenticate before a SaslHandshake", delayMs: 0 });
  assert.is(early.state.kind, "failed");
  const late = fresh();
  late.handshake("PLAIN", 1);
  late.token(text("\0ops\0ops-secret-123"));
  assert.is(late.token(text("\0ops\0ops-secret-123")).kind, "failure");
});

/** Client messages that are not a valid exchange: random bytes, strict prefixes, one byte changed. */
function invalidVariants(valid: string): fc.Arbitrary<Uint8Array> {
  const bytes = text(valid);
  return fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    fc.nat(bytes.length - 1).map((n) => bytes.slice(0, n)),
    fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, flip]) => {
      const out = bytes.slice();
      out[at] = out[at]! ^ flip;
      return out;
    }),
  );
}

test("ConnectionAuth never authenticates on random, truncated or altered client messages (fuzz)", () => {
  fc.assert(fc.property(invalidVariants("\0ops\0ops-secret-123"), fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 3 }), (token, more) => {
    const auth = fresh();
    auth.handshake("PLAIN", 0);
    for (const t of [token, ...more]) assert.not.equal(auth.token(t).kind, "success");
    assert.is(auth.principal, null);
  }), { numRuns: 300 });
  for (const mechanism of ["SCRAM-SHA-256", "SCRAM-SHA-512"] as const) {
    // A bad client-first; then, if it got a challenge, whatever comes next.
    fc.assert(fc.property(invalidVariants(new ScramClient(mechanism, "ops", "x").first()), fc.uint8Array({ maxLength: 200 }), (first, next) => {
      const auth = fresh();
      auth.handshake(mechanism, 1);
      assert.not.equal(auth.token(first).kind, "success");
      assert.not.equal(auth.token(next).kind, "success");
      assert.is(auth.principal, null);
    }), { numRuns: 150 });
    // A valid client-first, then a bad client-final built from the real server-first.
    fc.assert(fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.nat(), (at, flip, cut) => {
      const auth = fresh();
      auth.handshake(mechanism, 1);
      const client = new ScramClient(mechanism, "ops", "ops-secret-123");
      const challenge = auth.token(text(client.first())) as { token: Uint8Array };
      const final = text(client.final(str(challenge.token)));
      const altered = cut % 2 === 0 ? final.slice(0, cut % final.length) : final.map((b, i) => (i === at % final.length ? b ^ flip : b));
      assert.is(auth.token(altered).kind, "failure");
      assert.is(auth.principal, null);
    }), { numRuns: 100 });
  }
});

test.run();
