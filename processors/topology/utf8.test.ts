import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { utf8Decode, utf8Encode } from "./utf8.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

test("utf8Encode() equals TextEncoder for any string, short ASCII or not", () => {
  fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: "binary", maxLength: 80 }), fc.string({ unit: "grapheme", maxLength: 30 })), (text) => {
    assert.equal([...utf8Encode(text)], [...encoder.encode(text)]);
  }), { numRuns: 500 });
});

test("utf8Decode() equals TextDecoder for any bytes, malformed included", () => {
  fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ max: 0x7f, maxLength: 80 })), (bytes) => {
    assert.is(utf8Decode(bytes), decoder.decode(bytes));
  }), { numRuns: 500 });
});

test.run();
