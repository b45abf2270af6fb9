import { test } from "uvu";
import * as assert from "uvu/assert";
import { firstJsonMessages, joinJsonValues, jsonMessages, jsonRecordValue } from "./json-body.ts";
import { ProtocolError } from "./protocol-error.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const value = (body: string, allowEmpty = false) => {
  const v = jsonRecordValue(enc.encode(body), allowEmpty);
  return v === null ? null : dec.decode(v);
};

test("jsonRecordValue() flattens one array level and keeps other values whole", () => {
  assert.is(value(`{"event":"created"}`), `{"event":"created"}`);
  assert.is(value(` [{"a":1}, {"b":2}] \n`), `{"a":1}, {"b":2}`);
  assert.is(value(`[[1,2],[3,4]]`), `[1,2],[3,4]`);
  assert.is(value(`[[[1,2,3]]]`), `[[1,2,3]]`);
  assert.is(value(`42`), `42`);
  assert.is(value(`"text"`), `"text"`);
});

test("jsonRecordValue() refuses invalid JSON and empty arrays (400), allowing [] only on create", () => {
  for (const bad of [`{ invalid json }`, ``, ` `, `[1,]`, `\uFEFF[1]`, `[]`, ` [ ] `]) {
    try {
      value(bad);
      assert.unreachable(`accepted ${JSON.stringify(bad)}`);
    } catch (error) {
      assert.instance(error, ProtocolError);
      assert.is((error as ProtocolError).status, 400);
    }
  }
  assert.is(value(`[]`, true), null);
  const invalidUtf8 = new Uint8Array([0x22, 0xff, 0x22]);
  assert.throws(() => jsonRecordValue(invalidUtf8, false), (e: unknown) => e instanceof ProtocolError && e.status === 400);
});

test("joinJsonValues() answers one JSON array of every stored message", () => {
  const values = [`{"a":1}`, `2, [3]`, `"x"`].map((v) => enc.encode(v));
  assert.equal(JSON.parse(dec.decode(joinJsonValues(values))), [{ a: 1 }, 2, [3], "x"]);
  assert.is(dec.decode(joinJsonValues([])), "[]");
});

test("firstJsonMessages() keeps the first messages of a record, jsonMessages() counts them", () => {
  const stored = enc.encode(`{"a":1},{"b":2}, {"c":3}`);
  assert.is(jsonMessages(stored).length, 3);
  assert.equal(JSON.parse(`[${dec.decode(firstJsonMessages(stored, 2))}]`), [{ a: 1 }, { b: 2 }]);
});

test.run();
