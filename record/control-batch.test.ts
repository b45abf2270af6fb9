import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "../core/errors.ts";
import { AbortedTxnFilter } from "./aborted-filter.ts";
import { encodeControlBatch, isControlBatch, isTransactionalBatch, readControlMarker } from "./control-batch.ts";
import { encodeRecordBatch, iterateBatches, readBatchHeader, setBaseOffset, validateBatch } from "./record-batch.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

// Kafka's end-transaction marker, field by field (RecordBatch v2 with one control record):
const golden = (type: "00" | "01", crc: string) =>
  [
    "0000000000000000", // baseOffset
    "00000042", // batchLength = 78 - 12
    "ffffffff", // partitionLeaderEpoch
    "02", // magic
    crc, // CRC-32C of bytes [21, end)
    "0030", // attributes: transactional (0x10) | control (0x20), CreateTime, no compression
    "00000000", // lastOffsetDelta
    "0000018bcfe56800", // baseTimestamp 1_700_000_000_000
    "0000018bcfe56800", // maxTimestamp
    "0000000000001092", // producerId 4242
    "0003", // producerEpoch 3
    "ffffffff", // baseSequence -1
    "00000001", // recordCount
    "20", // record length 16 (zig-zag varint)
    "00", // record attributes
    "00", // timestampDelta
    "00", // offsetDelta
    "08", // key length 4
    "0000", // key: version 0
    "00" + type, // key: type (0 abort, 1 commit)
    "0c", // value length 6
    "0000", // value: version 0
    "00000005", // value: coordinatorEpoch 5
    "00", // no headers
  ].join("");

test("encodeControlBatch() writes Kafka's commit and abort marker layout byte for byte", () => {
  const options = { producerId: 4242, producerEpoch: 3, coordinatorEpoch: 5, timestamp: 1_700_000_000_000 };
  const commit = encodeControlBatch({ ...options, commit: true });
  const abort = encodeControlBatch({ ...options, commit: false });
  assert.is(hex(commit), golden("01", "8630596e"));
  assert.is(hex(abort), golden("00", "720e8f26"));
  assert.is(validateBatch(commit, 0, { maxBytes: 1 << 10 }), 78);
  assert.is(validateBatch(abort, 0, { maxBytes: 1 << 10 }), 78);
});

test("readControlMarker() and the attribute checks recognize markers and nothing else", () => {
  const commit = encodeControlBatch({ producerId: 1, producerEpoch: 0, coordinatorEpoch: 9, commit: true, timestamp: 0 });
  const header = readBatchHeader(commit);
  assert.ok(isControlBatch(header) && isTransactionalBatch(header));
  assert.equal(readControlMarker(commit), { commit: true, coordinatorEpoch: 9 });
  assert.equal(readControlMarker(encodeControlBatch({ producerId: 1, producerEpoch: 0, coordinatorEpoch: 0, commit: false, timestamp: 0 })), { commit: false, coordinatorEpoch: 0 });
  const data = encodeRecordBatch([{ key: null, value: new Uint8Array([1]), headers: [], timestamp: 0 }], { producerId: 1, producerEpoch: 0, baseSequence: 0, transactional: true });
  const dataHeader = readBatchHeader(data);
  assert.ok(isTransactionalBatch(dataHeader));
  assert.not.ok(isControlBatch(dataHeader));
});

test("encodeControlBatch() refuses a missing producer id or an out-of-range epoch with invalid_request", () => {
  for (const bad of [{ producerId: -1 }, { producerEpoch: 0x8000 }, { producerEpoch: -1 }, { coordinatorEpoch: 1.5 }]) {
    try {
      encodeControlBatch({ producerId: 1, producerEpoch: 0, coordinatorEpoch: 0, commit: true, timestamp: 0, ...bad });
      assert.unreachable(JSON.stringify(bad));
    } catch (error) {
      assert.ok(isRivuletError(error, "invalid_request"), String(error));
    }
  }
});

test("AbortedTxnFilter drops an aborted producer's transactional batches up to its abort marker, and every marker", () => {
  const enc = new TextEncoder();
  const at = (bytes: Uint8Array, offset: number) => (setBaseOffset(bytes, 0, offset), bytes);
  const data = (pid: number, offset: number, transactional = true) =>
    at(encodeRecordBatch([{ key: null, value: enc.encode(`p${pid}@${offset}`), headers: [], timestamp: 0 }], { producerId: pid, producerEpoch: 0, baseSequence: offset, transactional }), offset);
  const marker = (pid: number, offset: number, commit: boolean) => at(encodeControlBatch({ producerId: pid, producerEpoch: 0, coordinatorEpoch: 0, commit, timestamp: 0 }), offset);
  // 1 and 2 interleave; 1 aborts at 3, 2 commits at 5; 1 writes again (a new transaction) at 6
  const log = [data(1, 0), data(2, 1), data(1, 2), marker(1, 3, false), data(2, 4), marker(2, 5, true), data(1, 6), marker(1, 7, true)];
  const bytes = new Uint8Array(log.reduce((n, b) => n + b.length, 0));
  let p = 0;
  for (const b of log) (bytes.set(b, p), (p += b.length));
  const filter = new AbortedTxnFilter([{ producerId: 1, firstOffset: 0 }]);
  const kept: number[] = [];
  for (const { position, header } of iterateBatches(bytes)) if (!filter.skips(bytes, position, header)) kept.push(header.baseOffset);
  assert.equal(kept, [1, 4, 6]);
});

test.run();
