import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError, type RivuletError } from "../core/errors.ts";
import { packRecordBlocks, RecordBlockBuilder } from "../record/record-block.ts";
import { encodeRecordBlock } from "../record/record-block-encoder.ts";
import { decodeRecords } from "../record/record-batch.ts";
import { keyBytes, recordTimestamp, writeRecord } from "./record-input.ts";
import type { ProducerRecord } from "./types.ts";

const limits = { recordHeadersMax: 3, headerNameBytesMax: 8 };
const T0 = 1_700_000_000_000;

/** Runs the producer's pass over `records` into one builder; returns the error or the builder. */
function pass(records: unknown[], maxBytes = 1000): RivuletError | RecordBlockBuilder {
  const builder = new RecordBlockBuilder();
  try {
    records.forEach((input, i) => {
      const record = input as ProducerRecord;
      const key = keyBytes(record.key, i);
      writeRecord(builder, record, key, recordTimestamp(record, T0, i), i, limits, maxBytes);
    });
    return builder;
  } catch (error) {
    assert.ok(isRivuletError(error), String(error));
    return error as RivuletError;
  }
}

test("every bad record is refused with its code, and the error names its index", () => {
  const good = { key: "k", value: "v" };
  const cases: Array<[unknown, string]> = [
    [{ key: 5, value: "v" }, "invalid_record"],
    [{ value: 5 }, "invalid_record"],
    [{ value: "v", timestamp: -1 }, "invalid_record"],
    [{ value: "v", timestamp: 1.5 }, "invalid_record"],
    [{ value: "v", headers: "x" }, "invalid_record"],
    [{ value: "v", headers: [["a"]] }, "invalid_record"],
    [{ value: "v", headers: [[1, "x"]] }, "invalid_record"],
    [{ value: "v", headers: { a: 1 } }, "invalid_record"],
    [{ value: "v", headers: { "": "x" } }, "invalid_record"],
    [{ value: "v", headers: { "nine-byte": "x" } }, "invalid_record"],
    [{ value: "v", headers: { "ééééé": "x" } }, "invalid_record"], // 10 UTF-8 bytes
    [{ value: "v", headers: { a: "1", b: "2", c: "3", d: "4" } }, "too_many_headers"],
    [{ value: "x".repeat(1000) }, "record_too_large"],
    [{ value: "é".repeat(500) }, "record_too_large"], // 1,000 UTF-8 bytes
    [{ value: new Uint8Array(990) }, "record_too_large"],
    [{ value: "v", headers: { h: new Uint8Array(990) } }, "record_too_large"],
  ];
  for (const [bad, code] of cases) {
    const error = pass([good, good, bad, good]);
    assert.ok(!(error instanceof RecordBlockBuilder), `${JSON.stringify(bad).slice(0, 60)} was accepted`);
    assert.is(error.code, code, JSON.stringify(bad).slice(0, 60));
    assert.match(error.message, /^records\[2\]: /);
    assert.is(error.info.index, 2);
  }
});

test("records within the limits are laid out as the records they were", () => {
  const builder = pass([
    { key: "alice", value: "é".repeat(400), headers: { a: "1", b: new Uint8Array([2]), c: "3" } },
    { key: new Uint8Array([0, 1]), value: null, headers: [["h", null], ["h", "x"]], timestamp: 5 },
    { value: new Uint8Array(900) },
  ]);
  assert.ok(builder instanceof RecordBlockBuilder);
  const records = decodeRecords(encodeRecordBlock(packRecordBlocks([{ builder, from: 0, to: builder.count }])));
  assert.is(records.length, 3);
  assert.is(new TextDecoder().decode(records[0].key!), "alice");
  assert.is(new TextDecoder().decode(records[0].value!), "é".repeat(400));
  assert.equal(records[0].headers.map(([n]) => n), ["a", "b", "c"]);
  assert.equal(records[0].headers[1][1], new Uint8Array([2]));
  assert.is(records[0].timestamp, T0);
  assert.equal(records[1].key, new Uint8Array([0, 1]));
  assert.is(records[1].value, null);
  assert.equal(records[1].headers, [["h", null], ["h", new TextEncoder().encode("x")]]);
  assert.is(records[1].timestamp, 5);
  assert.is(records[2].value!.length, 900);
});

test.run();
