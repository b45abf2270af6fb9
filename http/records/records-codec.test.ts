import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ConsumedRecord } from "../../broker/types.ts";
import { isRivuletError } from "../../core/errors.ts";
import { defaultLimits } from "../../core/limits.ts";
import { parseCborRecords } from "./cbor-records-in.ts";
import { parseJsonRecords } from "./json-records-in.ts";
import { recordJson } from "./json-records-out.ts";

const limits = { ...defaultLimits, httpRecordsPerRequestMax: 5 };
const utf8 = (text: string) => new TextEncoder().encode(text);

function codeOf(run: () => unknown): string {
  try {
    run();
    return "ok";
  } catch (error) {
    return isRivuletError(error) ? error.code : `not a RivuletError: ${error}`;
  }
}

function consumed(parts: Partial<ConsumedRecord>): ConsumedRecord {
  return { topic: "t", partition: 0, offset: 7, timestamp: 1000, key: null, value: null, headers: [], ...parts };
}

test("parseJsonRecords() stores values as JSON text, keys as strings, b64 fields as bytes", () => {
  const records = parseJsonRecords({
    records: [
      { key: "alice", value: { paid: 200 } },
      { value: "text" },
      { key_b64: "AAE=", value_b64: "/w==", partition: 2, timestamp: 5 },
      { value: null },
      {},
    ],
  }, limits);
  assert.is(records[0].key, "alice");
  assert.is(records[0].value, `{"paid":200}`);
  assert.is(records[1].value, `"text"`);
  assert.equal(records[2].key, new Uint8Array([0, 1]));
  assert.equal(records[2].value, new Uint8Array([255]));
  assert.is(records[2].partition, 2);
  assert.is(records[2].timestamp, 5);
  assert.is(records[3].value, null);
  assert.is(records[4].value, null);
  assert.is(records[4].key, null);
});

test("parseJsonRecords() takes headers as an object or as repeatable pairs", () => {
  const [a, b] = parseJsonRecords({ records: [{ value: 1, headers: { x: "1", y: null } }, { value: 1, headers: [["x", "1"], ["x", { b64: "AA==" }]] }] }, limits);
  assert.equal(a.headers, [["x", "1"], ["y", null]]);
  assert.equal(b.headers, [["x", "1"], ["x", new Uint8Array([0])]]);
});

test("parseJsonRecords() refuses bad records with the right code", () => {
  const cases: Array<[unknown, string]> = [
    [null, "invalid_request"],
    [{ records: "x" }, "invalid_request"],
    [{ records: [] }, "invalid_request"],
    [{ records: Array.from({ length: 6 }, () => ({ value: 1 })) }, "too_many_records"],
    [{ records: [1] }, "invalid_record"],
    [{ records: [{ key: 5 }] }, "invalid_record"],
    [{ records: [{ key: "a", key_b64: "AA==" }] }, "invalid_record"],
    [{ records: [{ value_b64: "not base64!" }] }, "invalid_record"],
    [{ records: [{ value_b64: "AAA" }] }, "invalid_record"],
    [{ records: [{ partition: -1 }] }, "invalid_record"],
    [{ records: [{ partition: 1.5 }] }, "invalid_record"],
    [{ records: [{ partition: "0" }] }, "invalid_record"],
    [{ records: [{ timestamp: -5 }] }, "invalid_record"],
    [{ records: [{ headers: "x" }] }, "invalid_record"],
    [{ records: [{ headers: [["a"]] }] }, "invalid_record"],
    [{ records: [{ headers: { a: 1 } }] }, "invalid_record"],
    [{ records: [{ headers: [[1, "1"]] }] }, "invalid_record"],
    // Per-record limits are the producer's one pass (broker/record-input.test.ts), not the parser's.
    [{ records: [{ headers: { a: "1", b: "2", c: "3", d: "4" } }] }, "ok"],
    [{ records: [{ value: "x".repeat(1001) }] }, "ok"],
  ];
  for (const [body, code] of cases) assert.is(codeOf(() => parseJsonRecords(body, limits)), code, JSON.stringify(body).slice(0, 80));
});

test("parseCborRecords() takes byte strings, text and null, and refuses other types", () => {
  const [a, b] = parseCborRecords({ records: [{ key: utf8("k"), value: utf8("v"), headers: { h: utf8("x") } }, { key: "text", value: null, headers: [["h", null]] }] }, limits);
  assert.equal(a.key, utf8("k"));
  assert.equal(a.value, utf8("v"));
  assert.equal(a.headers, [["h", utf8("x")]]);
  assert.is(b.key, "text");
  assert.is(b.value, null);
  assert.is(codeOf(() => parseCborRecords({ records: [{ value: 5 }] }, limits)), "invalid_record");
  assert.is(codeOf(() => parseCborRecords({ records: [{ value: utf8("x"), headers: [[7, null]] }] }, limits)), "invalid_record");
});

test("recordJson() gives UTF-8 keys as strings and JSON values as JSON", () => {
  const text = recordJson(consumed({ key: utf8("alice"), value: utf8(`{"paid":200}`), headers: [["h", utf8("v")]] }));
  assert.equal(JSON.parse(text), { offset: 7, timestamp: 1000, key: "alice", value: { paid: 200 }, headers: { h: "v" } });
});

test("recordJson() falls back to key_b64 / value_b64 for bytes that are not UTF-8 or not JSON", () => {
  const parsed = JSON.parse(recordJson(consumed({ key: new Uint8Array([0xff]), value: utf8("paid 200 to bob") })));
  assert.is(parsed.key_b64, "/w==");
  assert.is(parsed.value_b64, btoa("paid 200 to bob"));
  assert.not.ok("key" in parsed);
  assert.not.ok("value" in parsed);
  const empty = JSON.parse(recordJson(consumed({ value: new Uint8Array(0) })));
  assert.is(empty.value_b64, "");
});

test("recordJson() is one line even when the stored JSON has line breaks", () => {
  const text = recordJson(consumed({ value: utf8(`{\n  "a": [1,\r\n 2]\n}`) }));
  assert.not.ok(/[\r\n]/.test(text));
  assert.equal(JSON.parse(text).value, { a: [1, 2] });
});

test("recordJson() renders repeated or binary headers as pairs, with b64 for bytes", () => {
  const repeated = JSON.parse(recordJson(consumed({ headers: [["a", utf8("1")], ["a", null]] })));
  assert.equal(repeated.headers, [["a", "1"], ["a", null]]);
  const binary = JSON.parse(recordJson(consumed({ headers: [["a", new Uint8Array([0xc3])]] })));
  assert.equal(binary.headers, [["a", { b64: "ww==" }]]);
  const withTopic = JSON.parse(recordJson(consumed({}), true));
  assert.is(withTopic.topic, "t");
  assert.is(withTopic.partition, 0);
});

test("parseJsonRecords() and recordJson() round-trip any JSON value", () => {
  const values = [0, -1.5, "s", "", true, false, [1, [2]], { a: { b: null } }, "ünï😀"];
  for (const value of values) {
    const [record] = parseJsonRecords({ records: [{ value }] }, limits);
    const back = JSON.parse(recordJson(consumed({ value: utf8(record.value as string) })));
    assert.equal(back.value, value);
  }
});

test.run();
