import { test } from "uvu";
import * as assert from "uvu/assert";
import { ManualClock } from "../core/clock.ts";
import { isRivuletError } from "../core/errors.ts";
import { resolveLimits } from "../core/limits.ts";
import { AuthFailures } from "./auth-failures.ts";
import { parseAuthConfig } from "./auth-config.ts";
import { Authenticator } from "./authenticator.ts";
import { hasAccess, hasGroupAccess, hasStreamAccess } from "./rights.ts";
import { deriveScramCredential, tokenSha256 } from "./scram-credential.ts";

const config = parseAuthConfig({
  tokens: [
    { token: "reader-token", name: "reader", rights: [{ access: "read", topics: "pay*" }, { access: "read", groups: "billing*" }, { access: "read", streams: "logs/*" }] },
    { token: "writer-token", rights: [{ access: "write", topics: "payments" }, { access: "write", streams: "logs/app" }] },
    { token: "admin-token", name: "ops", rights: [{ access: "admin", topics: "*" }] },
  ],
});

test("parseAuthConfig() refuses malformed configs with a message naming the entry, never the secret", () => {
  const bad: unknown[] = [
    null, {}, { tokens: {} }, { tokens: [{ token: "short", rights: [] }] },
    { tokens: [{ token: "long-enough", rights: [{ access: "root", topics: "*" }] }] },
    { tokens: [{ token: "long-enough", rights: [{ access: "read", topics: "" }] }] },
    { tokens: [{ token: "long-enough", rights: [] }, { token: "long-enough", rights: [] }] },
    { tokens: [{ name: "a", token: "long-enough-1", rights: [] }, { name: "a", token: "long-enough-2", rights: [] }] },
    { tokens: [{ token: "long-enough", rights: [{ access: "write", groups: "g" }] }] },
    { tokens: [{ token: "long-enough", rights: [{ access: "admin", streams: "s" }] }] },
    { tokens: [{ token: "long-enough", rights: [{ access: "read", topics: "t", groups: "g" }] }] },
    { tokens: [{ name: "no-secret", rights: [] }] },
    { tokens: [{ name: "bad name", token: "long-enough", rights: [] }] },
    { tokens: [{ name: "x", token_sha256: "zz", rights: [] }] },
    { tokens: [{ name: "x", scram: { "SCRAM-SHA-256": { salt: "c2FsdA==", iterations: 10, stored_key: "AA==", server_key: "AA==" } }, rights: [] }] },
    { tokens: [{ name: "x", scram: { "SCRAM-MD5": {} }, rights: [] }] },
  ];
  for (const raw of bad) {
    try {
      parseAuthConfig(raw);
      assert.unreachable(JSON.stringify(raw));
    } catch (error) {
      assert.instance(error, TypeError, JSON.stringify(raw));
      assert.not.match((error as Error).message, "long-enough");
    }
  }
});

test("Authenticator.bearer() needs a known bearer token", () => {
  const auth = new Authenticator(config);
  assert.is(auth.bearer("Bearer reader-token").name, "reader");
  assert.is(auth.bearer("bearer   admin-token ").name, "ops");
  assert.is(auth.bearer("Bearer writer-token").name, "token-1");
  for (const header of [undefined, "", "Basic cmVhZGVy", "Bearer", "Bearer nope-nope", "Bearer reader-token extra", "Bearer reader-tokeN"]) {
    try {
      auth.bearer(header);
      assert.unreachable(String(header));
    } catch (error) {
      assert.ok(isRivuletError(error, "unauthorized"), String(header));
    }
  }
});

test("Authenticator.plain() checks name and password together", () => {
  const auth = new Authenticator(config);
  assert.is(auth.plain("ops", "admin-token")?.name, "ops");
  assert.is(auth.plain("ops", "reader-token"), null);
  assert.is(auth.plain("reader", "admin-token"), null);
  assert.is(auth.plain("nobody", "admin-token"), null);
  assert.is(auth.plain("ops", ""), null);
});

test("pre-hashed entries: token_sha256 for bearer and PLAIN, scram credentials as given", () => {
  const credential = deriveScramCredential("SCRAM-SHA-512", "hashed-secret", new Uint8Array(16).fill(7), 4096);
  const auth = new Authenticator({ tokens: [{ name: "hashed", token_sha256: tokenSha256("hashed-secret"), scram: { "SCRAM-SHA-512": credential }, rights: [] }] });
  assert.is(auth.bearer("Bearer hashed-secret").name, "hashed");
  assert.is(auth.plain("hashed", "hashed-secret")?.name, "hashed");
  assert.is(auth.plain("hashed", "hashed-secreT"), null);
  const scram = auth.scram("hashed", "SCRAM-SHA-512")!;
  assert.is(scram.secret.iterations, 4096);
  assert.equal([...scram.secret.salt], new Array(16).fill(7));
  assert.is(auth.scram("hashed", "SCRAM-SHA-256"), null);
  assert.is(auth.scram("nobody", "SCRAM-SHA-512"), null);
});

test("clear-text entries get SCRAM credentials derived once, with at least 4096 iterations", () => {
  const auth = new Authenticator(config);
  const first = auth.scram("ops", "SCRAM-SHA-256")!;
  assert.ok(first.secret.iterations >= 4096);
  assert.is(first.secret.storedKey.length, 32);
  assert.is(auth.scram("ops", "SCRAM-SHA-256")!.secret, first.secret);
  assert.is(auth.scram("ops", "SCRAM-SHA-512")!.secret.storedKey.length, 64);
});

test("rights: topics by exact name and prefix (admin implies read and write), groups, streams", () => {
  const auth = new Authenticator(config);
  const reader = auth.bearer("Bearer reader-token");
  const writer = auth.bearer("Bearer writer-token");
  const admin = auth.bearer("Bearer admin-token");
  assert.ok(hasAccess(reader, "read", "payments"));
  assert.ok(hasAccess(reader, "read", "pay"));
  assert.not.ok(hasAccess(reader, "read", "orders"));
  assert.not.ok(hasAccess(reader, "write", "payments"));
  assert.ok(hasAccess(writer, "write", "payments"));
  assert.not.ok(hasAccess(writer, "write", "payments2"));
  assert.not.ok(hasAccess(writer, "read", "payments"));
  assert.ok(hasAccess(admin, "read", "anything"));
  assert.ok(hasAccess(admin, "admin", "anything"));
  assert.not.ok(hasAccess(reader, "admin", "payments"));
  assert.ok(hasGroupAccess(reader, "billing-eu"));
  assert.not.ok(hasGroupAccess(reader, "audit"));
  assert.not.ok(hasGroupAccess(writer, "billing"));
  assert.ok(hasGroupAccess(admin, "audit"));
  assert.ok(hasStreamAccess(reader, "read", "logs/app"));
  assert.not.ok(hasStreamAccess(reader, "write", "logs/app"));
  assert.ok(hasStreamAccess(writer, "write", "logs/app"));
  assert.not.ok(hasStreamAccess(writer, "write", "logs/app2"));
  assert.ok(hasStreamAccess(admin, "write", "anything"));
});

test("AuthFailures: delay doubles per address up to the cap, counts per door, memory bounded", () => {
  const auth = new Authenticator(config, { authFailureDelayMinMs: 10, authFailureDelayMaxMs: 35, authFailureAddressesMax: 3 });
  const delays = [1, 2, 3, 4].map(() => auth.failures.record("kafka", "10.0.0.1"));
  assert.equal(delays, [10, 20, 35, 35]);
  assert.is(auth.failures.record("http", "10.0.0.2"), 10);
  for (const address of ["a", "b", "c", "d"]) auth.failures.record("http", address);
  assert.is(auth.failures.trackedAddresses, 3);
  assert.is(auth.failures.counts.get("kafka"), 4);
  assert.is(auth.failures.counts.get("http"), 5);
});

test("AuthFailures forgets an address's failures authFailureWindowMs after its last one", () => {
  const clock = new ManualClock();
  const failures = new AuthFailures(resolveLimits({ authFailureDelayMinMs: 10, authFailureDelayMaxMs: 1_000, authFailureWindowMs: 60_000 }), clock);
  assert.equal([failures.record("kafka", "10.0.0.9"), failures.record("kafka", "10.0.0.9")], [10, 20]);
  clock.advance(59_999);
  assert.is(failures.record("kafka", "10.0.0.9"), 40, "still within the window of the last failure");
  clock.advance(60_000);
  assert.is(failures.record("kafka", "10.0.0.9"), 10, "a minute of quiet: back to the first delay");
});

test.run();
