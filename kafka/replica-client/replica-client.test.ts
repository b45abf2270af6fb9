import { test } from "uvu";
import * as assert from "uvu/assert";
import { Reader } from "../protocol/reader.ts";
import { Writer } from "../protocol/writer.ts";
import { decodeRequest as decodeFetchV11, encodeResponse as encodeFetchV11 } from "../protocol/fetch/v11.ts";
import { decodeRequest as decodeEpochV3, encodeResponse as encodeEpochV3 } from "../protocol/offsets-for-leader-epoch/v3.ts";
import { decodeFetchResponse, encodeFetchRequest } from "./fetch-v11-client.ts";
import { decodeEpochResponse, encodeEpochRequest } from "./offsets-for-leader-epoch-v3-client.ts";

const bytesOf = (w: Writer) => w.toBytes().slice();

test("encodeFetchRequest() writes what the listener's Fetch v11 decoder reads: replica id, epochs, offsets, partitions grouped by topic", () => {
  const w = new Writer();
  encodeFetchRequest(w, {
    replicaId: 2, maxWaitMs: 500, maxBytes: 1 << 20,
    partitions: [
      { topic: "a", partition: 0, currentLeaderEpoch: 3, fetchOffset: 42, logStartOffset: 0, maxBytes: 4096 },
      { topic: "b", partition: 1, currentLeaderEpoch: 1, fetchOffset: 2 ** 40, logStartOffset: 7, maxBytes: 8192 },
      { topic: "a", partition: 2, currentLeaderEpoch: 3, fetchOffset: 0, logStartOffset: 0, maxBytes: 4096 },
    ],
  });
  const r = decodeFetchV11(new Reader(bytesOf(w)));
  assert.is(r.replicaId, 2);
  assert.is(r.maxWaitMs, 500);
  assert.is(r.minBytes, 1);
  assert.is(r.isolationLevel, 0);
  assert.equal(r.topics.map((t) => [t.topic, t.partitions.map((p) => [p.partition, p.currentLeaderEpoch, p.fetchOffset, p.logStartOffset, p.partitionMaxBytes])]), [
    ["a", [[0, 3, 42, 0, 4096], [2, 3, 0, 0, 4096]]],
    ["b", [[1, 1, 2 ** 40, 7, 8192]]],
  ]);
});

test("decodeFetchResponse() reads what the listener's Fetch v11 encoder writes, records byte for byte", () => {
  const records = new Uint8Array([1, 2, 3, 4, 5]);
  const w = new Writer();
  encodeFetchV11(w, {
    throttleTimeMs: 0, errorCode: 0, sessionId: 0,
    topics: [{ topic: "a", partitions: [
      { partition: 0, errorCode: 0, highWatermark: 10, lastStableOffset: 10, logStartOffset: 2, abortedTransactions: [{ producerId: 1, firstOffset: 3 }], preferredReadReplica: -1, records },
      { partition: 1, errorCode: 74, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, preferredReadReplica: -1, records: null },
    ] }],
  });
  const decoded = decodeFetchResponse(new Reader(bytesOf(w)));
  assert.is(decoded.errorCode, 0);
  assert.equal(decoded.partitions, [
    { topic: "a", partition: 0, errorCode: 0, highWatermark: 10, logStartOffset: 2, records },
    { topic: "a", partition: 1, errorCode: 74, highWatermark: -1, logStartOffset: -1, records: new Uint8Array(0) },
  ]);
});

test("encodeEpochRequest() and decodeEpochResponse() match the listener's OffsetForLeaderEpoch v3 codec", () => {
  const w = new Writer();
  encodeEpochRequest(w, 3, [{ topic: "a", partition: 0, currentLeaderEpoch: 5, leaderEpoch: 4 }, { topic: "a", partition: 1, currentLeaderEpoch: 5, leaderEpoch: 2 }]);
  const request = decodeEpochV3(new Reader(bytesOf(w)));
  assert.is(request.replicaId, 3);
  assert.equal(request.topics, [{ topic: "a", partitions: [{ partition: 0, currentLeaderEpoch: 5, leaderEpoch: 4 }, { partition: 1, currentLeaderEpoch: 5, leaderEpoch: 2 }] }]);
  const out = new Writer();
  encodeEpochV3(out, { throttleTimeMs: 0, topics: [{ topic: "a", partitions: [{ errorCode: 0, partition: 0, leaderEpoch: 4, endOffset: 99 }, { errorCode: 74, partition: 1, leaderEpoch: -1, endOffset: -1 }] }] });
  assert.equal(decodeEpochResponse(new Reader(bytesOf(out))), [
    { topic: "a", partition: 0, errorCode: 0, leaderEpoch: 4, endOffset: 99 },
    { topic: "a", partition: 1, errorCode: 74, leaderEpoch: -1, endOffset: -1 },
  ]);
});

test.run();
