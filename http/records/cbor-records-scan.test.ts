import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { Encoder } from "cbor-x";
import type { ProducerRecord } from "../../broker/types.ts";
import { parseBody } from "../body.ts";
import { parseCborRecords } from "./cbor-records-in.ts";
import { scanCborRecords } from "./cbor-records-scan.ts";

const utf8 = new TextEncoder();
const limits = { httpRecordsPerRequestMax: 50 };
const encoders = [new Encoder({ useRecords: false, tagUint8Array: false, mapsAsObjects: true }), new Encoder({ useRecords: false, mapsAsObjects: true })];

function stored(records: ProducerRecord[]) {
  const bytes = (v: ProducerRecord["value"] | undefined) => (v === null || v === undefined ? null : Array.from(typeof v === "string" ? utf8.encode(v) : v));
  return records.map((r) => ({ key: bytes(r.key), value: bytes(r.value), partition: r.partition, timestamp: r.timestamp, headers: r.headers }));
}

function general(body: Uint8Array): ReturnType<typeof stored> | string {
  try {
    return stored(parseCborRecords(parseBody(body, "cbor"), limits));
  } catch (error) {
    return (error as { code?: string }).code ?? "error";
  }
}

function agrees(body: Uint8Array, mustAnswer = false): void {
  const fast = scanCborRecords(body, limits.httpRecordsPerRequestMax);
  if (fast === null) {
    assert.ok(!mustAnswer, `the fast path gave up on ${Array.from(body.subarray(0, 40))}`);
    return;
  }
  assert.equal(stored(fast), general(body));
}

test("the common shape is read off the bytes and gives what the general parser gives", () => {
  const [plain] = encoders;
  agrees(plain.encode({ records: [{ key: utf8.encode("k"), value: utf8.encode("v") }, { key: "text", value: null }, {}, { value: "é😀", partition: 3, timestamp: 1_700_000_000_000 }] }), true);
  agrees(plain.encode({ records: [{ value: new Uint8Array(70_000), timestamp: 2 ** 40 }] }), true);
});

test("anything else is left to the general parser", () => {
  const [plain, tagged] = encoders;
  for (const body of [
    plain.encode({ records: [] }), plain.encode({ records: [{ value: "v" }], extra: 1 }), plain.encode({ records: [{ value: 5 }] }),
    plain.encode({ records: [{ value: "v", headers: { a: "b" } }] }), plain.encode({ records: [{ value: "v", partition: -1 }] }),
    plain.encode({ records: [{ value: "v", partition: 1.5 }] }), plain.encode({ records: Array.from({ length: 51 }, () => ({ value: "v" })) }),
    tagged.encode({ records: [{ value: new Uint8Array([1, 2, 3]) }] }),
    new Uint8Array([0xa1, 0x67, ...utf8.encode("records"), 0x81, 0xa1, 0x65, ...utf8.encode("value"), 0x62, 0xc0, 0xaf]), // invalid UTF-8 text
    new Uint8Array([0xa1, 0x67, ...utf8.encode("records"), 0x9f, 0xa0, 0xff]), // indefinite array
    Uint8Array.from([...plain.encode({ records: [{ value: "v" }] }), 0x00]), // trailing byte
    plain.encode({ records: [{ value: "v" }] }).subarray(0, 10), // truncated
  ]) {
    assert.is(scanCborRecords(body, limits.httpRecordsPerRequestMax), null, Array.from(body.subarray(0, 30)).join(","));
  }
});

const part = fc.oneof(fc.constant(null), fc.string({ unit: "binary" } as Parameters<typeof fc.string>[0]), fc.uint8Array({ maxLength: 300 }));
test("for any records CBOR can say, the fast path answers the same as the general parser", () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ key: part, value: part, partition: fc.nat(0x7fffffff), timestamp: fc.maxSafeNat() }, { requiredKeys: [] }), { minLength: 1, maxLength: 8 }),
      fc.nat(1),
      (records, which) => agrees(encoders[which].encode({ records })),
    ),
    { numRuns: 500 },
  );
});

test("random bytes after a valid head never make the fast path answer differently", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 60 }), (tail) => agrees(new Uint8Array([0xa1, 0x67, ...utf8.encode("records"), 0x81, ...tail]))),
    { numRuns: 1000 },
  );
});

test.run();
