import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import type { ProducerRecord } from "../../broker/types.ts";
import { parseJsonRecords } from "./json-records-in.ts";
import { scanJsonRecords } from "./json-records-scan.ts";

const utf8 = new TextEncoder();
const limits = { httpRecordsPerRequestMax: 50 };

/** What gets stored: bytes for key and value, as the producer would write them. */
function stored(records: ProducerRecord[]) {
  const bytes = (v: ProducerRecord["value"] | undefined) => (v === null || v === undefined ? null : Array.from(typeof v === "string" ? utf8.encode(v) : v));
  return records.map((r) => ({ key: bytes(r.key), value: bytes(r.value), partition: r.partition, timestamp: r.timestamp, headers: r.headers }));
}

/** The general path's answer, or its error code. */
function general(text: string): ReturnType<typeof stored> | string {
  try {
    return stored(parseJsonRecords(JSON.parse(text), limits));
  } catch (error) {
    return (error as { code?: string }).code ?? "syntax";
  }
}

/** The fast path agrees with the general one whenever it answers, and answers for the common shape. */
function agrees(text: string, mustAnswer = false): void {
  const fast = scanJsonRecords(utf8.encode(text), limits.httpRecordsPerRequestMax);
  if (fast === null) {
    assert.ok(!mustAnswer, `the fast path gave up on ${text.slice(0, 120)}`);
    return;
  }
  assert.equal(stored(fast), general(text), text.slice(0, 200));
}

test("the common shape is scanned, and gives what the general parser gives", () => {
  agrees(`{"records":[{"key":"alice","value":{"paid":200}},{"value":"text"},{"key":null,"value":null},{}]}`, true);
  agrees(`{"records":[{"value":[1,-2,0,true,false,null,"é😀",{"a":{"b":[]}}],"partition":3,"timestamp":1700000000000}]}`, true);
  agrees(` { "records" : [ { "key" : "k" , "value" : { "a" : 1 } } ] } `, true);
  // Values that are valid but not as JSON.stringify writes them are re-serialised on their own.
  for (const value of [`{ "a": 1 }`, `1.50`, `1e3`, `-0`, `"\\u0041"`, `"a\\/b"`, `{"b":1,"a":2,"b":3}`, `{"2":1,"1":2}`, `12345678901234567890`, `"tab\\tnew\\nline"`, `[1, 2]`]) {
    agrees(`{"records":[{"value":${value}}]}`, true);
  }
});

test("anything else is left to the general parser", () => {
  for (const text of [
    `{"records":[]}`, `{"records":[{"value":1}],"extra":1}`, `{"records":[{"value":1,"value":2}]}`, `{"records":[{"headers":{"a":"b"},"value":1}]}`,
    `{"records":[{"key":"a\\nb"}]}`, `{"records":[{"key":5}]}`, `{"records":[{"partition":-1}]}`, `{"records":[{"partition":1.5}]}`,
    `{"records":[{"timestamp":null}]}`, `{"records":[{"value":01}]}`, `{"records":[{"value":"a}]}`, `{"records":[{"value":1},]}`,
    `\ufeff{"records":[{"value":1}]}`, `{"records":[{"value":1}]} x`, `{"records":[{"value":"\u0001"}]}`,
    `{"records":[${Array.from({ length: 51 }, () => `{"value":1}`).join(",")}]}`,
  ]) {
    assert.is(scanJsonRecords(utf8.encode(text), limits.httpRecordsPerRequestMax), null, text.slice(0, 80));
  }
  // Invalid UTF-8 in a key or value
  for (const bytes of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]) {
    const body = new Uint8Array([...utf8.encode(`{"records":[{"key":"`), ...bytes, ...utf8.encode(`","value":"x"}]}`)]);
    assert.is(scanJsonRecords(body, 50), null);
  }
});

// Strings of any UTF-16 units: lone surrogates, controls, non-BMP characters.
const jsonValue = fc.jsonValue({ maxDepth: 4, stringUnit: "binary" } as Parameters<typeof fc.jsonValue>[0]);
const spaced = (text: string, seed: number) => (seed % 3 === 0 ? text.replace(/([,:{}[\]])/g, "$1 ") : text);
test("for any records JSON can say, the fast path answers the same as the general parser", () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ key: fc.option(fc.string({ unit: "binary" } as Parameters<typeof fc.string>[0]), { nil: undefined }), value: fc.option(jsonValue, { nil: undefined }), partition: fc.option(fc.nat(100), { nil: undefined }), timestamp: fc.option(fc.nat(), { nil: undefined }) }, { requiredKeys: [] }), { minLength: 1, maxLength: 8 }),
      fc.nat(),
      (records, seed) => {
        const text = JSON.stringify({ records });
        // Keys with escapes are left to the general parser; so are values spelled with \u or \/.
        const plainKeys = records.every((r) => r.key === undefined || !/["\\\u0000-\u001f]/.test(r.key));
        agrees(text, plainKeys && !/\\u|\\\//.test(text));
        agrees(spaced(text, seed));
      },
    ),
    { numRuns: 500 },
  );
});

test("values with odd but valid spellings still come out as the general parser stores them", () => {
  fc.assert(
    fc.property(jsonValue, fc.nat(), (value, seed) => {
      const text = `{"records":[{"value":${spaced(JSON.stringify(value, null, seed % 2 ? 1 : undefined), seed)}}]}`;
      agrees(text);
    }),
    { numRuns: 500 },
  );
});

test.run();
