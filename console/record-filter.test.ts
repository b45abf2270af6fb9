import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ConsumedRecord } from "../broker/types.ts";
import { recordFilter } from "./record-filter.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);
const record: ConsumedRecord = {
  topic: "t", partition: 0, offset: 7, timestamp: 0,
  key: utf8("Alice"), value: new Uint8Array([0xff, 0xfe, ...utf8("paid 200")]), headers: [["Trace-Id", utf8("abc-123")], ["empty", null]],
};
const all = { key: true, value: true, headers: true };

test("recordFilter() matches a case-insensitive substring of key, value or headers", () => {
  assert.ok(recordFilter("alice", all).matches(record));
  assert.ok(recordFilter("PAID 2", all).matches(record), "readable parts of a binary value match");
  assert.ok(recordFilter("trace-id", all).matches(record), "header names match");
  assert.ok(recordFilter("ABC-1", all).matches(record), "header values match");
  assert.not.ok(recordFilter("bob", all).matches(record));
  assert.ok(recordFilter("", { key: false, value: false, headers: false }).matches(record), "an empty filter keeps every record");
});

test("recordFilter() looks only where it is told", () => {
  assert.not.ok(recordFilter("alice", { key: false, value: true, headers: true }).matches(record));
  assert.not.ok(recordFilter("paid", { key: true, value: false, headers: true }).matches(record));
  assert.not.ok(recordFilter("abc", { key: true, value: true, headers: false }).matches(record));
  const empty: ConsumedRecord = { ...record, key: null, value: null, headers: [] };
  assert.not.ok(recordFilter("null", all).matches(empty), "a null key or value has no text to match");
});

test.run();
