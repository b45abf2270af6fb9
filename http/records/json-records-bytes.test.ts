import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import type { ConsumedRecord } from "../../broker/types.ts";
import { recordsJson } from "./json-records-out.ts";
import { ByteWriter, writeRecordsJson, writerFor } from "./json-records-bytes.ts";

const utf8 = new TextEncoder();

const bytesLike = fc.oneof(
  fc.uint8Array({ maxLength: 12 }),
  fc.string({ maxLength: 12 }).map((s) => utf8.encode(s)),
  fc.string({ unit: "grapheme", maxLength: 8 }).map((s) => utf8.encode(s)),
  fc.json({ maxDepth: 2 }).map((s) => utf8.encode(s)),
  fc.jsonValue({ maxDepth: 2 }).map((v) => utf8.encode(JSON.stringify(v, null, 1))),
  fc.constantFrom(utf8.encode("key-1"), utf8.encode(`"quoted"`), utf8.encode(`a"b`), utf8.encode("a\\b"), new Uint8Array([0xef, 0xbb, 0xbf, 0x31])),
);
const record: fc.Arbitrary<ConsumedRecord> = fc.record({
  topic: fc.constant("t"),
  partition: fc.nat({ max: 9 }),
  offset: fc.nat(),
  timestamp: fc.nat(),
  key: fc.option(bytesLike, { nil: null }),
  value: fc.option(bytesLike, { nil: null }),
  headers: fc.array(fc.tuple(fc.constantFrom("a", "b", "é"), fc.option(bytesLike, { nil: null })), { maxLength: 3 }),
});

test("writeRecordsJson() renders exactly what recordsJson() renders", () => {
  fc.assert(fc.property(fc.array(record, { maxLength: 8 }), fc.boolean(), (records, withTopic) => {
    const w = writerFor(records);
    writeRecordsJson(w, records, withTopic);
    assert.is(new TextDecoder().decode(w.view()), recordsJson(records, withTopic));
  }), { numRuns: 1500 });
});

test("ByteWriter grows past its first capacity", () => {
  const w = new ByteWriter(4);
  w.ascii("0123456789");
  w.bytes(new Uint8Array([65, 66]));
  w.text("é");
  w.integer(42);
  w.base64(new Uint8Array([255]));
  assert.is(new TextDecoder().decode(w.view()), "0123456789ABé42/w==");
});

test.run();
