import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Authenticator } from "../../auth/authenticator.ts";
import { startHarness, type Harness } from "../../test/support/kafka/harness.ts";
import { correlationOf, RawClient, requestFrame } from "../../test/support/kafka/raw-client.ts";
import { ScramClient, saslPrincipals } from "../../test/support/kafka/sasl.ts";
import { startKafkaListener, type KafkaListener } from "../listener.ts";
import { apiKeys } from "../protocol/api-keys.ts";
import { Reader } from "../protocol/reader.ts";

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

const authenticator = new Authenticator(saslPrincipals, { authFailureDelayMinMs: 1, authFailureDelayMaxMs: 2 });
let h: Harness;
let open: KafkaListener;

test.before(async () => {
  h = await startHarness({ auth: authenticator });
  open = await startKafkaListener(h.broker, { host: "127.0.0.1", port: 0 });
});

test.after(async () => {
  await open.close();
  await h.close();
});

const apiVersions = (corr: number) => requestFrame(apiKeys.ApiVersions, 2, corr, () => undefined);
const handshake = (corr: number, version: number, mechanism: string) => requestFrame(apiKeys.SaslHandshake, version, corr, (w) => w.string(mechanism));
const authenticate = (corr: number, bytes: Uint8Array) => requestFrame(apiKeys.SaslAuthenticate, 1, corr, (w) => w.bytes(bytes));
const metadata = (corr: number) => requestFrame(apiKeys.Metadata, 1, corr, (w) => w.int32(-1));

function raw(bytes: Uint8Array): Uint8Array {
  const frame = new Uint8Array(4 + bytes.length);
  new DataView(frame.buffer).setInt32(0, bytes.length);
  frame.set(bytes, 4);
  return frame;
}

function handshakeReply(frame: Uint8Array): { errorCode: number; mechanisms: string[] } {
  const r = new Reader(frame, 4);
  return { errorCode: r.int16(), mechanisms: r.stringArray() };
}

function authenticateReply(frame: Uint8Array): { errorCode: number; errorMessage: string | null; authBytes: string; sessionLifetimeMs: number } {
  const r = new Reader(frame, 4);
  return { errorCode: r.int16(), errorMessage: r.nullableString(), authBytes: str(r.bytes()), sessionLifetimeMs: Number(r.int64()) };
}

async function connected(port = h.listener.port): Promise<RawClient> {
  return await RawClient.connect(port);
}

test("a request other than ApiVersions or SASL before authentication closes the connection", async () => {
  const c = await connected();
  c.send(apiVersions(1));
  assert.is(correlationOf((await c.next())!), 1, "ApiVersions is answered");
  c.send(metadata(2));
  assert.is(await c.next(), null, "Metadata is not answered");
  assert.ok(await c.waitClosed());
});

test("SaslAuthenticate before SaslHandshake answers ILLEGAL_SASL_STATE and closes", async () => {
  const c = await connected();
  c.send(authenticate(1, text("\0ops\0ops-secret-123")));
  const reply = authenticateReply((await c.next())!);
  assert.is(reply.errorCode, 34);
  assert.ok(await c.waitClosed());
});

test("an unknown mechanism gets UNSUPPORTED_SASL_MECHANISM with the enabled list, then the connection closes", async () => {
  const c = await connected();
  c.send(handshake(1, 1, "GSSAPI"));
  assert.equal(handshakeReply((await c.next())!), { errorCode: 33, mechanisms: ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] });
  assert.ok(await c.waitClosed());
});

test("SaslHandshake v1 + SaslAuthenticate PLAIN authenticates; a second handshake is ILLEGAL_SASL_STATE and the connection stays", async () => {
  const c = await connected();
  c.send(handshake(1, 1, "PLAIN"));
  assert.equal(handshakeReply((await c.next())!), { errorCode: 0, mechanisms: ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] });
  c.send(authenticate(2, text("\0ops\0ops-secret-123")));
  assert.equal(authenticateReply((await c.next())!), { errorCode: 0, errorMessage: null, authBytes: "", sessionLifetimeMs: 0 });
  c.send(handshake(3, 1, "PLAIN"));
  assert.is(handshakeReply((await c.next())!).errorCode, 34);
  c.send(metadata(4));
  assert.is(correlationOf((await c.next())!), 4, "Metadata is answered once authenticated");
  c.close();
});

test("SaslHandshake v0 then raw PLAIN token: an empty raw token back, then requests are answered", async () => {
  const c = await connected();
  c.send(handshake(1, 0, "PLAIN"));
  assert.is(handshakeReply((await c.next())!).errorCode, 0);
  c.send(raw(text("\0reader\0reader-secret-1")));
  const reply = await c.next();
  assert.is(reply?.length, 0, "a size-0 raw frame");
  c.send(metadata(2));
  assert.is(correlationOf((await c.next())!), 2);
  c.close();
});

for (const mechanism of ["SCRAM-SHA-256", "SCRAM-SHA-512"] as const) {
  test(`SaslHandshake v0 then raw ${mechanism} tokens authenticate, and the server proves it knows the credential`, async () => {
    const c = await connected();
    c.send(handshake(1, 0, mechanism));
    assert.is(handshakeReply((await c.next())!).errorCode, 0);
    const client = new ScramClient(mechanism, "ops", "ops-secret-123");
    c.send(raw(text(client.first())));
    const serverFirst = str((await c.next())!);
    assert.match(serverFirst, /^r=.+,s=.+,i=4096$/);
    c.send(raw(text(client.final(serverFirst))));
    assert.is(str((await c.next())!), client.serverSignature);
    c.send(metadata(2));
    assert.is(correlationOf((await c.next())!), 2);
    c.close();
  });

  test(`SaslHandshake v0 with a wrong ${mechanism} password closes the connection without an answer`, async () => {
    const before = authenticator.failures.counts.get("kafka") ?? 0;
    const c = await connected();
    c.send(handshake(1, 0, mechanism));
    await c.next();
    const client = new ScramClient(mechanism, "ops", "not-the-password");
    c.send(raw(text(client.first())));
    c.send(raw(text(client.final(str((await c.next())!)))));
    assert.is(await c.next(), null);
    assert.ok(await c.waitClosed());
    assert.is(authenticator.failures.counts.get("kafka"), before + 1);
  });
}

test("a wrong password over SaslAuthenticate is answered with 58 and a message after the throttle's delay, then closed", async () => {
  const slow = new Authenticator(saslPrincipals, { authFailureDelayMinMs: 300, authFailureDelayMaxMs: 300 });
  const listener = await startKafkaListener(h.broker, { host: "127.0.0.1", port: 0, auth: slow });
  try {
    const c = await connected(listener.port);
    c.send(handshake(1, 1, "SCRAM-SHA-512"));
    await c.next();
    const client = new ScramClient("SCRAM-SHA-512", "ops", "wrong-password-1");
    c.send(authenticate(2, text(client.first())));
    const serverFirst = authenticateReply((await c.next())!).authBytes;
    const started = performance.now();
    c.send(authenticate(3, text(client.final(serverFirst))));
    const reply = authenticateReply((await c.next(5_000))!);
    const elapsed = performance.now() - started;
    assert.is(reply.errorCode, 58);
    assert.is(reply.errorMessage, "authentication failed with SASL mechanism SCRAM-SHA-512: invalid credentials");
    assert.ok(elapsed >= 290, `answered after the 300 ms delay (${elapsed.toFixed(0)} ms)`);
    assert.ok(await c.waitClosed());
    assert.is(slow.failures.counts.get("kafka"), 1);
  } finally {
    await listener.close();
  }
});

test("a connection that does not authenticate within kafkaSaslTimeoutMs is closed; one that does stays", async () => {
  const listener = await startKafkaListener(h.broker, { host: "127.0.0.1", port: 0, auth: authenticator, limits: { kafkaSaslTimeoutMs: 300 } });
  try {
    const idle = await connected(listener.port);
    const authed = await connected(listener.port);
    authed.send(handshake(1, 1, "PLAIN"));
    await authed.next();
    authed.send(authenticate(2, text("\0ops\0ops-secret-123")));
    assert.is(authenticateReply((await authed.next())!).errorCode, 0);
    assert.ok(await idle.waitClosed(10_000), "the idle connection is closed");
    authed.send(metadata(3));
    assert.is(correlationOf((await authed.next())!), 3, "the authenticated one is still served");
    authed.close();
  } finally {
    await listener.close();
  }
});

test("a frame larger than kafkaSaslFrameBytesMax before authentication closes the connection", async () => {
  const c = await connected();
  const header = new Uint8Array(4);
  new DataView(header.buffer).setInt32(0, 512 * 1024 + 1);
  c.send(header);
  assert.ok(await c.waitClosed());
});

test("without an auth file SaslHandshake and SaslAuthenticate answer ILLEGAL_SASL_STATE and nothing is required", async () => {
  const c = await connected(open.port);
  c.send(handshake(1, 1, "PLAIN"));
  assert.equal(handshakeReply((await c.next())!), { errorCode: 34, mechanisms: [] });
  c.send(authenticate(2, text("\0ops\0ops-secret-123")));
  assert.is(authenticateReply((await c.next())!).errorCode, 34);
  c.send(metadata(3));
  assert.is(correlationOf((await c.next())!), 3);
  c.close();
});

/** Client tokens that cannot authenticate: random bytes, strict prefixes or one changed byte of real ones. */
function badToken(valid: string): fc.Arbitrary<Uint8Array> {
  const bytes = text(valid);
  return fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.nat(bytes.length - 1).map((n) => bytes.slice(0, n)),
    fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, flip]) => bytes.map((b, i) => (i === at ? b ^ flip : b))),
  );
}

test("fuzz over a socket: random and truncated SASL exchanges never crash, hang or authenticate", async () => {
  const valid: Record<string, string> = { "PLAIN": "\0ops\0ops-secret-123", "SCRAM-SHA-256": "n,,n=ops,r=abcdef", "SCRAM-SHA-512": "n,,n=ops,r=abcdef" };
  const exchange = fc.constantFrom("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512").chain((mechanism) =>
    fc.record({ mechanism: fc.constant(mechanism), version: fc.constantFrom(0, 1), tokens: fc.array(badToken(valid[mechanism]!), { minLength: 1, maxLength: 3 }) })
  );
  await fc.assert(fc.asyncProperty(exchange, async ({ mechanism, version, tokens }) => {
    const c = await connected();
    try {
      c.send(handshake(1, version, mechanism));
      tokens.forEach((token, i) => c.send(version === 0 ? raw(token) : authenticate(10 + i, token)));
      c.send(metadata(99));
      assert.ok(await c.waitClosed(10_000), "the connection is closed");
      for (let frame = await c.next(0); frame !== null; frame = await c.next(0)) {
        if (frame.length >= 4) assert.is.not(correlationOf(frame), 99, "Metadata was never answered");
      }
    } finally {
      c.close();
    }
  }), { numRuns: 60 });
  const c = await connected();
  c.send(apiVersions(1));
  assert.is(correlationOf((await c.next())!), 1, "the listener still serves");
  c.close();
});

test.run();
