import { test } from "uvu";
import { concatBytes } from "../../../test/support/bytes.ts";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsRecordBatch, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import { chunkRefBytesMin, Writer } from "../writer.ts";
import { encodeResponse as encodeResponseV11 } from "./v11.ts";
import type { FetchPartitionResponse, FetchResponse } from "./types.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";

const t0 = 1_700_000_000_000;

const join = (...parts: Uint8Array[]) => concatBytes(parts);

async function sampleResponse(): Promise<FetchResponse> {
  const first = await kafkajsRecordBatch([{ key: "k0", value: "v0", headers: { h: "1" }, timestamp: t0 }, { key: "k1", value: "v1", timestamp: t0 + 1 }], 40);
  const second = await kafkajsRecordBatch([{ value: "v2", timestamp: t0 + 2 }], 42);
  const big = await kafkajsRecordBatch([{ key: "big", value: "x".repeat(chunkRefBytesMin + 100), timestamp: t0 }], 7);
  const partition = (p: Partial<FetchPartitionResponse>): FetchPartitionResponse => ({
    partition: 0, errorCode: 0, highWatermark: 43, lastStableOffset: 43, logStartOffset: 3, abortedTransactions: null, preferredReadReplica: -1, records: null, ...p,
  });
  return {
    throttleTimeMs: 6,
    errorCode: 0,
    sessionId: 0,
    topics: [
      { topic: "orders", partitions: [partition({ partition: 0, records: join(first, second) }), partition({ partition: 1, highWatermark: 0, lastStableOffset: 0, logStartOffset: 0, records: new Uint8Array(0), abortedTransactions: [] })] },
      { topic: "big", partitions: [partition({ partition: 2, highWatermark: 8, lastStableOffset: 8, logStartOffset: 7, records: big })] },
    ],
  };
}

interface KafkajsMessage {
  offset: string;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: Record<string, Uint8Array>;
  timestamp: string;
}
interface KafkajsPartition extends Record<string, unknown> {
  messages: KafkajsMessage[];
}
interface KafkajsFetch extends Record<string, unknown> {
  responses: Array<{ topicName: string; partitions: KafkajsPartition[] }>;
}

const text = (bytes: Uint8Array | null) => (bytes === null ? null : new TextDecoder().decode(bytes));

for (const version of versionsOf("Fetch").filter((v) => kafkajsHas("fetch", v))) {
  test(`Fetch v${version} decodeRequest() reads kafkajs's request`, async () => {
    const topics = [
      { topic: "orders", partitions: [{ partition: 0, fetchOffset: 40, maxBytes: 1048576, currentLeaderEpoch: 5, logStartOffset: 2 }, { partition: 1, fetchOffset: 2 ** 40, maxBytes: 10 }] },
      { topic: "audit", partitions: [] },
    ];
    const args = { replicaId: -1, isolationLevel: 0, maxWaitTime: 5000, minBytes: 1, maxBytes: 10485760, topics, sessionId: 12, sessionEpoch: 3, forgottenTopics: [{ topic: "old", partitions: [4, 5] }], rackId: "rack-a" };
    const decoded = decodeBody("Fetch", version, await kafkajsBody("fetch", version, args));
    assert.equal(decoded, {
      replicaId: -1,
      maxWaitMs: 5000,
      minBytes: 1,
      maxBytes: 10485760,
      isolationLevel: 0,
      sessionId: version >= 7 ? 12 : 0,
      sessionEpoch: version >= 7 ? 3 : -1,
      topics: [
        { topic: "orders", partitions: [
          { partition: 0, currentLeaderEpoch: version >= 9 ? 5 : -1, fetchOffset: 40, logStartOffset: version >= 5 ? 2 : -1, partitionMaxBytes: 1048576 },
          { partition: 1, currentLeaderEpoch: -1, fetchOffset: 2 ** 40, logStartOffset: -1, partitionMaxBytes: 10 },
        ] },
        { topic: "audit", partitions: [] },
      ],
      forgottenTopics: version >= 7 ? [{ topic: "old", partitions: [4, 5] }] : [],
      rackId: version >= 11 ? "rack-a" : "",
    });
  });

  test(`Fetch v${version} encodeResponse() is read by kafkajs, stored batches included`, async () => {
    const response = await sampleResponse();
    const body = encodeBody("Fetch", version, response);
    const decoded = (await kafkajsDecode("fetch", version, body)) as KafkajsFetch;
    const { responses, ...top } = decoded;
    assert.equal(top, { ...kafkajsThrottle("fetch", version, 6), ...(version >= 7 ? { errorCode: 0, sessionId: 0 } : {}) });
    assert.equal(responses.map((t) => t.topicName), ["orders", "big"]);
    const heads = responses.flatMap((t) => t.partitions.map(({ messages: _, ...head }) => head));
    const expectedHeads = response.topics.flatMap((t) => t.partitions.map((p) => ({
      partition: p.partition,
      errorCode: p.errorCode,
      highWatermark: String(p.highWatermark),
      lastStableOffset: String(p.lastStableOffset),
      ...(version >= 5 ? { lastStartOffset: String(p.logStartOffset) } : {}),
      abortedTransactions: [],
      ...(version >= 11 ? { preferredReadReplica: p.preferredReadReplica } : {}),
    })));
    assert.equal(heads, expectedHeads);
    const messages = responses.flatMap((t) => t.partitions.map((p) => p.messages.map((m) => [m.offset, text(m.key), text(m.value)?.slice(0, 10), Object.keys(m.headers), m.timestamp])));
    assert.equal(messages, [
      [["40", "k0", "v0", ["h"], String(t0)], ["41", "k1", "v1", [], String(t0 + 1)], ["42", null, "v2", [], String(t0 + 2)]],
      [],
      [["7", "big", "xxxxxxxxxx", [], String(t0)]],
    ]);
    await kafkajsParse("fetch", version, body);
  });
}

test("Fetch v11 encodeResponse() references big record sets instead of copying them", async () => {
  const response = await sampleResponse();
  const big = response.topics[1]!.partitions[0]!.records!;
  const writer = new Writer();
  encodeResponseV11(writer, response);
  const chunks = writer.chunks();
  assert.ok(chunks.includes(big), "the stored batch bytes are a chunk of their own");
  assert.is(chunks.reduce((n, c) => n + c.length, 0), writer.length);
});

test("Fetch v11 encodeResponse() carries partition errors kafkajs acts on", async () => {
  const response: FetchResponse = { throttleTimeMs: 0, errorCode: 0, sessionId: 0, topics: [{ topic: "t", partitions: [{ partition: 0, errorCode: 1, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, preferredReadReplica: -1, records: null }] }] };
  const body = encodeBody("Fetch", 11, response);
  try {
    await kafkajsParse("fetch", 11, body);
    assert.unreachable("kafkajs should throw OFFSET_OUT_OF_RANGE");
  } catch (error) {
    assert.is((error as { type?: string }).type, "OFFSET_OUT_OF_RANGE");
  }
});

test("Fetch v12 (flexible) reads @platformatic/kafka's request and answers with records it parses", async () => {
  const body = pltBody("fetchV12", 500, 1, 1048576, 1, 0, -1,
    [{ topicId: "orders", partitions: [{ partition: 2, currentLeaderEpoch: 5, fetchOffset: 10n, lastFetchedEpoch: -1, partitionMaxBytes: 65536 }] }], [], "rack-a");
  assert.equal(decodeBody("Fetch", 12, body), {
    replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 1048576, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: "orders", partitions: [{ partition: 2, currentLeaderEpoch: 5, fetchOffset: 10, logStartOffset: -1, partitionMaxBytes: 65536, lastFetchedEpoch: -1 }] }],
    forgottenTopics: [], rackId: "rack-a",
  });
  const records = await kafkajsRecordBatch([{ key: "k", value: "v10" }, { value: "v11" }], 10);
  const response = encodeBody("Fetch", 12, {
    throttleTimeMs: 0, errorCode: 0, sessionId: 0,
    topics: [{ topic: "orders", partitions: [
      { partition: 2, errorCode: 0, highWatermark: 12, lastStableOffset: 12, logStartOffset: 0, abortedTransactions: null, preferredReadReplica: -1, records },
      { partition: 3, errorCode: 0, highWatermark: 0, lastStableOffset: 0, logStartOffset: 0, abortedTransactions: [], preferredReadReplica: -1, records: null },
    ] }],
  });
  const parsed = pltParse("fetchV12", 1, 12, response) as { responses: Array<{ topicId: string; partitions: Array<{ partitionIndex: number; highWatermark: bigint; records?: Array<{ records: Array<{ offsetDelta: number; value: Uint8Array }> }> }> }> };
  const [topic] = parsed.responses;
  assert.is(topic?.topicId, "orders");
  assert.equal(topic?.partitions.map((p) => [p.partitionIndex, Number(p.highWatermark)]), [[2, 12], [3, 0]]);
  const values = topic?.partitions[0]?.records?.flatMap((b) => b.records.map((r) => new TextDecoder().decode(r.value)));
  assert.equal(values, ["v10", "v11"]);
  assert.is(topic?.partitions[1]?.records, undefined, "null records: none");
});

test.run();
