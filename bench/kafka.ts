/**
 * Kafka protocol benchmark: the codec alone (Produce v7 request decode, Fetch v11 response
 * encode, both over 1,000-record batches of 100-byte values), then end to end through the
 * listener with kafkajs (producer batches of 1,000, then a consumer group reading every record).
 *
 *   node --import tsx bench/kafka.ts [--records 200000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { Broker } from "../groups/broker.ts";
import { startKafkaListener } from "../kafka/listener.ts";
import { decodeRequest as decodeProduceV7 } from "../kafka/protocol/produce/v7.ts";
import { encodeResponse as encodeFetchV11 } from "../kafka/protocol/fetch/v11.ts";
import { Reader } from "../kafka/protocol/reader.ts";
import { Writer } from "../kafka/protocol/writer.ts";
import { encodeRecordBatch, type BatchRecord } from "../record/record-batch-encoder.ts";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RECORDS = arg("records", 200_000);
const BATCH_RECORDS = 1_000;
const VALUE_BYTES = 100;
const PARTITIONS = 4;
const MB = 1024 * 1024;

function batch(): Uint8Array {
  const value = new Uint8Array(VALUE_BYTES).fill(97);
  const records: BatchRecord[] = Array.from({ length: BATCH_RECORDS }, (_, i) => ({ key: null, value, headers: [], timestamp: 1_700_000_000_000 + i }));
  return encodeRecordBatch(records);
}

function codec(): void {
  const one = batch();
  const request = new Writer();
  request.nullableString(null).int16(-1).int32(30_000);
  request.array(["bench"], (w, name) => w.string(name).array(Array.from({ length: PARTITIONS }, (_, i) => i), (pw, i) => pw.int32(i).bytes(one)));
  const body = request.toBytes().slice();
  const rounds = 20_000;
  let started = performance.now();
  for (let i = 0; i < rounds; i++) decodeProduceV7(new Reader(body));
  let seconds = (performance.now() - started) / 1000;
  console.log(`Produce v7 decode: ${(rounds / seconds).toFixed(0)} requests/s, ${((rounds * PARTITIONS * BATCH_RECORDS) / seconds / 1e6).toFixed(1)} M records/s (${((rounds * body.length) / seconds / MB).toFixed(0)} MB/s of frames, zero copy)`);

  const partitions = Array.from({ length: PARTITIONS }, (_, partition) => ({
    partition, errorCode: 0, highWatermark: 1000, lastStableOffset: 1000, logStartOffset: 0, abortedTransactions: null, preferredReadReplica: -1, records: one,
  }));
  const response = { throttleTimeMs: 0, errorCode: 0, sessionId: 0, topics: [{ topic: "bench", partitions }] };
  started = performance.now();
  let bytes = 0;
  for (let i = 0; i < rounds; i++) {
    const w = new Writer();
    encodeFetchV11(w, response);
    bytes += w.length;
    w.chunks();
  }
  seconds = (performance.now() - started) / 1000;
  console.log(`Fetch v11 encode: ${(rounds / seconds).toFixed(0)} responses/s, ${((rounds * PARTITIONS * BATCH_RECORDS) / seconds / 1e6).toFixed(1)} M records/s (${(bytes / seconds / MB).toFixed(0)} MB/s, batches referenced, not copied)`);
}

async function endToEnd(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "rivulet-kafka-bench-"));
  const broker = await Broker.open({ dataDir: dir });
  const listener = await startKafkaListener(broker, { host: "127.0.0.1", port: 0 });
  try {
    await broker.createTopic("bench", { partitions: PARTITIONS, config: { flush: "os" } });
    const kafka = new Kafka({ clientId: "bench", brokers: [`127.0.0.1:${listener.port}`], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const value = Buffer.alloc(VALUE_BYTES, 97);
    const messages = Array.from({ length: BATCH_RECORDS }, () => ({ value }));
    let started = performance.now();
    const inFlight: Array<Promise<unknown>> = [];
    for (let sent = 0; sent < RECORDS; sent += BATCH_RECORDS) {
      inFlight.push(producer.send({ topic: "bench", acks: 1, messages: messages.map((m) => ({ ...m, partition: (sent / BATCH_RECORDS) % PARTITIONS })) }));
      if (inFlight.length >= 8) await inFlight.shift();
    }
    await Promise.all(inFlight);
    let seconds = (performance.now() - started) / 1000;
    console.log(`kafkajs produce via listener: ${(RECORDS / seconds).toFixed(0)} records/s (batches of ${BATCH_RECORDS}, 8 in flight, flush=os)`);
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: "bench", maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: "bench", fromBeginning: true });
    let seen = 0;
    started = performance.now();
    const done = new Promise<void>((resolve) => {
      void consumer.run({ eachBatch: async ({ batch: b }) => { seen += b.messages.length; if (seen >= RECORDS) resolve(); } });
    });
    await done;
    seconds = (performance.now() - started) / 1000;
    console.log(`kafkajs consume via listener: ${(RECORDS / seconds).toFixed(0)} records/s (group join included)`);
    await consumer.disconnect();
  } finally {
    await listener.close();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

codec();
await endToEnd();
