import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, hex, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsRecordBatch, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import type { ProduceResponse } from "./types.ts";
import { Buffer } from "node:buffer";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";

const t0 = 1_700_000_000_000;
const messagesA = [
  { key: "alice", value: "paid 200 to bob", headers: { trace: "abc", "content-type": "text/plain" }, timestamp: t0 },
  { key: "bob", value: "paid 5 to carol", timestamp: t0 + 7 },
];
const messagesB = [{ value: "no key here", timestamp: t0 + 1 }];

const response: ProduceResponse = {
  topics: [
    { name: "payments", partitions: [{ index: 0, errorCode: 0, baseOffset: 41, logAppendTimeMs: -1, logStartOffset: 0 }, { index: 3, errorCode: 0, baseOffset: 2 ** 40, logAppendTimeMs: t0, logStartOffset: 17 }] },
    { name: "audit", partitions: [] },
  ],
  throttleTimeMs: 9,
};

function asKafkajs(version: number, r: ProduceResponse): Record<string, unknown> {
  return {
    topics: r.topics.map((t) => ({
      topicName: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.index,
        errorCode: p.errorCode,
        baseOffset: String(p.baseOffset),
        logAppendTime: String(p.logAppendTimeMs),
        ...(version >= 5 ? { logStartOffset: String(p.logStartOffset) } : {}),
      })),
    })),
    ...kafkajsThrottle("produce", version, r.throttleTimeMs),
  };
}

for (const version of versionsOf("Produce").filter((v) => kafkajsHas("produce", v))) {
  test(`Produce v${version} decodeRequest() reads kafkajs's request, records as a subarray of the frame`, async () => {
    const topicData = [{ topic: "payments", partitions: [{ partition: 0, messages: messagesA }, { partition: 3, messages: messagesB }] }];
    const body = await kafkajsBody("produce", version, { acks: -1, timeout: 30000, topicData });
    const decoded = decodeBody("Produce", version, body);
    assert.is(decoded.transactionalId, null);
    assert.is(decoded.acks, -1);
    assert.is(decoded.timeoutMs, 30000);
    assert.is(decoded.topics.length, 1);
    assert.is(decoded.topics[0]!.name, "payments");
    const [p0, p3] = decoded.topics[0]!.partitions;
    assert.is(p0!.index, 0);
    assert.is(p3!.index, 3);
    assert.is(hex(p0!.records!), hex(await kafkajsRecordBatch(messagesA)));
    assert.is(hex(p3!.records!), hex(await kafkajsRecordBatch(messagesB)));
    assert.is(p0!.records!.buffer, body.buffer, "zero copy: the records view the request bytes");
    assert.is(p0!.records![16], 2, "magic 2");
  });

  test(`Produce v${version} encodeResponse() is read by kafkajs`, async () => {
    const body = encodeBody("Produce", version, response);
    assert.equal(await kafkajsDecode("produce", version, body), asKafkajs(version, response));
    await kafkajsParse("produce", version, body);
  });
}

test("Produce v7 decodeRequest() reads acks=0, a transactional id and a null record set", async () => {
  const body = await kafkajsBody("produce", 7, { acks: 0, timeout: 100, transactionalId: "tx-1", topicData: [{ topic: "t", partitions: [{ partition: 1, messages: messagesB }] }] });
  const decoded = decodeBody("Produce", 7, body);
  assert.is(decoded.acks, 0);
  assert.is(decoded.transactionalId, "tx-1");
  assert.is(decoded.topics[0]!.partitions[0]!.records![16], 2);
  const nullRecords = new Uint8Array([0xff, 0xff, 0, 1, 0, 0, 0, 5, 0, 0, 0, 1, 0, 1, 0x74, 0, 0, 0, 1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  assert.equal(decodeBody("Produce", 7, nullRecords), { transactionalId: null, acks: 1, timeoutMs: 5, topics: [{ name: "t", partitions: [{ index: 0, records: null }] }] });
});

test("Produce v7 encodeResponse() carries partition errors kafkajs acts on", async () => {
  const failing: ProduceResponse = { topics: [{ name: "t", partitions: [{ index: 0, errorCode: 5, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 }] }], throttleTimeMs: 0 };
  const body = encodeBody("Produce", 7, failing);
  assert.equal(await kafkajsDecode("produce", 7, body), asKafkajs(7, failing));
  try {
    await kafkajsParse("produce", 7, body);
    assert.unreachable("kafkajs should throw LEADER_NOT_AVAILABLE");
  } catch (error) {
    assert.is((error as { type?: string }).type, "LEADER_NOT_AVAILABLE");
    assert.is((error as { retriable?: boolean }).retriable, true);
  }
});

for (const version of [8, 9]) {
  test(`Produce v${version} reads @platformatic/kafka's request (records as sent) and answers in its layout`, () => {
    const body = pltBody(`produceV${version}`, -1, 1500, [{ topic: "orders", partition: 1, key: Buffer.from("k"), value: Buffer.from("v"), timestamp: 1_700_000_000_000n }]);
    const request = decodeBody("Produce", version, body);
    assert.equal([request.transactionalId, request.acks, request.timeoutMs], [null, -1, 1500]);
    const [topic] = request.topics;
    assert.equal([topic?.name, topic?.partitions.map((p) => p.index)], ["orders", [1]]);
    const records = topic!.partitions[0]!.records!;
    assert.is(records[16], 2, "a RecordBatch v2 (magic at byte 16)");
    assert.is(new DataView(records.buffer, records.byteOffset).getInt32(8) + 12, records.length, "the whole batch and nothing else");
    const response = encodeBody("Produce", version, {
      topics: [{ name: "orders", partitions: [
        { index: 1, errorCode: 0, baseOffset: 41, logAppendTimeMs: -1, logStartOffset: 0 },
        { index: 2, errorCode: 0, baseOffset: 7, logAppendTimeMs: -1, logStartOffset: 3, recordErrors: [], errorMessage: null },
      ] }],
      throttleTimeMs: 5,
    });
    const parsed = pltParse(`produceV${version}`, 0, version, response) as { responses: Array<{ name: string; partitionResponses: Array<{ index: number; baseOffset: bigint; logStartOffset: bigint; errorMessage: string | null }> }>; throttleTimeMs: number };
    assert.is(parsed.throttleTimeMs, 5);
    assert.equal(parsed.responses[0]?.partitionResponses.map((p) => [p.index, Number(p.baseOffset), Number(p.logStartOffset), p.errorMessage]), [[1, 41, 0, null], [2, 7, 3, null]]);
  });
}

test("Produce v8 writes record_errors and error_message after log_start_offset", () => {
  const body = encodeBody("Produce", 8, {
    topics: [{ name: "t", partitions: [{ index: 0, errorCode: 87, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [{ batchIndex: 1, message: "bad" }], errorMessage: "invalid record" }] }],
    throttleTimeMs: 0,
  });
  const partition = "00000000" + "0057" + "ffffffffffffffff".repeat(3) + "00000001" + "00000001" + "0003626164" + "000e" + hex(new TextEncoder().encode("invalid record"));
  assert.is(hex(body), "00000001" + "000174" + "00000001" + partition + "00000000");
});

test.run();
