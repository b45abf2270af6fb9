import { test } from "uvu";
import * as assert from "uvu/assert";
import { canonicalContentType, isJsonMode, sameContentType, sseEncodingOf } from "./content-type.ts";
import { parseCreateRequest } from "./create-request.ts";
import { parseExpiresAt, parseProducer, parseTtl } from "./header-values.ts";
import { ProtocolError } from "./protocol-error.ts";

function status(fn: () => unknown): number {
  try {
    fn();
    return 0;
  } catch (error) {
    if (error instanceof ProtocolError) return error.status;
    throw error;
  }
}

test("parseTtl() accepts plain decimals only", () => {
  assert.is(parseTtl(null, 100), null);
  assert.is(parseTtl("0", 100), 0);
  assert.is(parseTtl("60", 100), 60);
  for (const bad of ["abc", "-1", "00060", "+60", "60.5", "1e3", "", "101"]) assert.is(status(() => parseTtl(bad, 100)), 400, bad);
});

test("parseExpiresAt() accepts RFC 3339 with Z or an offset", () => {
  assert.is(parseExpiresAt("2030-01-02T03:04:05Z"), Date.UTC(2030, 0, 2, 3, 4, 5));
  assert.is(parseExpiresAt("2030-01-02T03:04:05.250+01:00"), Date.UTC(2030, 0, 2, 2, 4, 5, 250));
  for (const bad of ["not-a-timestamp", "2030-01-02", "1893553445"]) assert.is(status(() => parseExpiresAt(bad)), 400, bad);
});

test("parseProducer() needs all three headers and plain non-negative integers", () => {
  const h = (o: Record<string, string>) => new Headers(o);
  assert.is(parseProducer(h({}), 64), null);
  assert.equal(parseProducer(h({ "producer-id": "p", "producer-epoch": "1", "producer-seq": "9007199254740991" }), 64), { id: "p", epoch: 1, seq: 2 ** 53 - 1 });
  const bads: Array<Record<string, string>> = [{ "producer-id": "p" }, { "producer-epoch": "0" }, { "producer-id": "p", "producer-epoch": "0" },
    { "producer-id": "", "producer-epoch": "0", "producer-seq": "0" }, { "producer-id": "p", "producer-epoch": "0xyz", "producer-seq": "0" },
    { "producer-id": "p", "producer-epoch": "1e3", "producer-seq": "0" }, { "producer-id": "p", "producer-epoch": "-1", "producer-seq": "0" },
    { "producer-id": "p", "producer-epoch": "0", "producer-seq": "9007199254740992" }, { "producer-id": "x".repeat(65), "producer-epoch": "0", "producer-seq": "0" }];
  for (const bad of bads) {
    assert.is(status(() => parseProducer(h(bad), 64)), 400, JSON.stringify(bad));
  }
});

test("canonicalContentType() lower-cases the essence; sameContentType() ignores parameters", () => {
  assert.is(canonicalContentType("TEXT/Plain"), "text/plain");
  assert.is(canonicalContentType("application/json;charset=utf-8"), "application/json; charset=utf-8");
  assert.is(canonicalContentType("garbage"), null);
  assert.ok(sameContentType("application/json; charset=utf-8", "application/json"));
  assert.not.ok(sameContentType("text/plain", "application/json"));
  assert.ok(isJsonMode("application/json; charset=utf-8"));
  assert.is(sseEncodingOf("text/csv"), "text");
  assert.is(sseEncodingOf("application/json"), "text");
  assert.is(sseEncodingOf("image/png"), "base64");
});

test("parseCreateRequest() refuses TTL with Expires-At and fork headers without a source", () => {
  const parse = (o: Record<string, string>) => parseCreateRequest(new Headers(o), "/v1/stream", 256);
  assert.is(status(() => parse({ "stream-ttl": "60", "stream-expires-at": "2030-01-01T00:00:00Z" })), 400);
  assert.is(status(() => parse({ "stream-fork-sub-offset": "0" })), 400);
  assert.is(status(() => parse({ "stream-fork-offset": "0000000000000000_0000000000000000" })), 400);
  assert.is(status(() => parse({ "stream-forked-from": "/v1/stream/a", "stream-fork-sub-offset": "05" })), 400);
  assert.is(status(() => parse({ "stream-forked-from": "/elsewhere/a" })), 404);
  assert.equal(parse({ "stream-forked-from": "http://h/v1/stream/a", "stream-fork-offset": "0000000000000002_0000000000000000", "stream-fork-sub-offset": "3" }).fork, { source: "/v1/stream/a", offset: 2, subOffset: 3 });
  assert.is(parse({}).contentType, null);
});

test.run();
