import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "../../core/errors.ts";
import { parseAuthConfig } from "./auth-config.ts";
import { hasAccess, TokenTable } from "./principal.ts";

const config = parseAuthConfig({
  tokens: [
    { token: "reader-token", name: "reader", rights: [{ access: "read", topics: "pay*" }] },
    { token: "writer-token", rights: [{ access: "write", topics: "payments" }] },
    { token: "admin-token", rights: [{ access: "admin", topics: "*" }] },
  ],
});

test("parseAuthConfig() refuses malformed configs", () => {
  const bad = [null, {}, { tokens: {} }, { tokens: [{ token: "short", rights: [] }] }, { tokens: [{ token: "long-enough", rights: [{ access: "root", topics: "*" }] }] },
    { tokens: [{ token: "long-enough", rights: [{ access: "read", topics: "" }] }] }, { tokens: [{ token: "long-enough", rights: [] }, { token: "long-enough", rights: [] }] }];
  for (const raw of bad) assert.throws(() => parseAuthConfig(raw), TypeError, JSON.stringify(raw));
});

test("TokenTable.authenticate() needs a known bearer token", () => {
  const table = new TokenTable(config);
  assert.is(table.authenticate("Bearer reader-token").name, "reader");
  assert.is(table.authenticate("bearer   admin-token ").rights[0].access, "admin");
  for (const header of [undefined, "", "Basic cmVhZGVy", "Bearer", "Bearer nope-nope", "Bearer reader-token extra"]) {
    try {
      table.authenticate(header);
      assert.unreachable(String(header));
    } catch (error) {
      assert.ok(isRivuletError(error, "unauthorized"), String(header));
    }
  }
});

test("hasAccess() matches exact names and prefixes; admin implies read and write", () => {
  const table = new TokenTable(config);
  const reader = table.authenticate("Bearer reader-token");
  const writer = table.authenticate("Bearer writer-token");
  const admin = table.authenticate("Bearer admin-token");
  assert.ok(hasAccess(reader, "read", "payments"));
  assert.ok(hasAccess(reader, "read", "pay"));
  assert.not.ok(hasAccess(reader, "read", "orders"));
  assert.not.ok(hasAccess(reader, "write", "payments"));
  assert.ok(hasAccess(writer, "write", "payments"));
  assert.not.ok(hasAccess(writer, "write", "payments2"));
  assert.not.ok(hasAccess(writer, "read", "payments"));
  assert.ok(hasAccess(admin, "read", "anything"));
  assert.ok(hasAccess(admin, "write", "anything"));
  assert.ok(hasAccess(admin, "admin", "anything"));
  assert.not.ok(hasAccess(reader, "admin", "payments"));
});

test.run();
