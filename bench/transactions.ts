/**
 * Transactions benchmark (in-process, programmatic API): transactional produce throughput at
 * 10, 100 and 1,000 records per transaction against idempotent produce of the same records in
 * the same groups, in the same run (one group in flight at a time on both sides: a
 * transactional producer runs one transaction at a time), with the ratio; then the end-to-end
 * latency of a read_committed consumer, from the moment a transaction of 10 records is handed
 * to commit until the consumer receives each of its records. 100-byte values, 4 partitions,
 * keys spread over the partitions. The same throughput pairs again with kafkajs through the
 * Kafka listener (half the records).
 *
 *   node --import tsx bench/transactions.ts [--quick]
 */
import { Broker, type TransactionalProducer } from "../mod.ts";
import type { ProducerRecord } from "../broker/types.ts";
import { Kafka, logLevel } from "kafkajs";
import { startKafkaListener } from "../kafka/listener.ts";
import { tempDir } from "../test/support/temp-dir.ts";
import { isMain, median, percentile, printTable, throughputRow, type BenchRow } from "./stats.ts";

const VALUE_BYTES = 100;
const PARTITIONS = 4;
const TOPIC = "txn-bench";

/** Options of {@link transactionBenchmarks}. */
export interface TransactionBenchOptions {
  quick: boolean;
  log?: (line: string) => void;
}

/** Records measured per transaction size (quick, full). */
const PLAN = {
  quick: { records: { 10: 2_000, 100: 10_000, 1000: 20_000 } as Record<number, number>, latencyMs: 2_000 },
  full: { records: { 10: 20_000, 100: 100_000, 1000: 200_000 } as Record<number, number>, latencyMs: 10_000 },
};

function records(count: number, from: number): ProducerRecord[] {
  const value = new Uint8Array(VALUE_BYTES).fill(97);
  return Array.from({ length: count }, (_, i) => ({ key: `key-${(from + i) % 10_000}`, value }));
}

/** ms to send `total` records as groups of `perGroup`, one group at a time, each in one transaction. */
async function transactionalMs(producer: TransactionalProducer, total: number, perGroup: number): Promise<number> {
  const started = performance.now();
  for (let sent = 0; sent < total; sent += perGroup) {
    const group = records(Math.min(perGroup, total - sent), sent);
    await producer.transaction(async (tx) => {
      await tx.sendBatch(TOPIC, group);
    });
  }
  return performance.now() - started;
}

/** ms to send `total` records as groups of `perGroup` through an idempotent producer, one group at a time. */
async function idempotentMs(broker: Broker, total: number, perGroup: number): Promise<number> {
  const producer = broker.producer({ idempotent: true });
  try {
    const started = performance.now();
    for (let sent = 0; sent < total; sent += perGroup) await producer.sendBatch(TOPIC, records(Math.min(perGroup, total - sent), sent));
    return performance.now() - started;
  } finally {
    await producer.close();
  }
}

/**
 * kafkajs through the Kafka listener: ms to send `total` records as groups of `perGroup`, one
 * group at a time, through an idempotent producer or one transaction per group.
 */
async function kafkajsMs(address: string, total: number, perGroup: number, transactional: boolean): Promise<number> {
  const kafka = new Kafka({ clientId: "txn-bench", brokers: [address], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, ...(transactional ? { transactionalId: "txn-bench-kafkajs" } : {}) });
  await producer.connect();
  const value = Buffer.alloc(VALUE_BYTES, 97);
  try {
    const started = performance.now();
    for (let sent = 0; sent < total; sent += perGroup) {
      const messages = Array.from({ length: Math.min(perGroup, total - sent) }, (_, i) => ({ key: `key-${(sent + i) % 10_000}`, value }));
      if (!transactional) {
        await producer.send({ topic: TOPIC, messages });
        continue;
      }
      const tx = await producer.transaction();
      await tx.send({ topic: TOPIC, messages });
      await tx.commit();
    }
    return performance.now() - started;
  } finally {
    await producer.disconnect();
  }
}

/** The idempotent and transactional rows of one group size, the ratio in the transactional row's note. */
function pairRows(perTxn: number, total: number, via: string, idemMs: number, txnMs: number): BenchRow[] {
  const scenario = `produce, groups of ${perTxn}, one at a time`;
  const ratio = idemMs / txnMs;
  return [
    throughputRow(scenario, `rivulet idempotent (${via})`, total, total * VALUE_BYTES, idemMs),
    throughputRow(scenario, `rivulet transactional (${via})`, total, total * VALUE_BYTES, txnMs, `one transaction per group; ${(ratio * 100).toFixed(0)}% of idempotent (ratio ${ratio.toFixed(2)}); ${((txnMs / total) * perTxn).toFixed(2)} ms per transaction`),
  ];
}

/**
 * read_committed end-to-end latency: transactions of 10 records back to back for `durationMs`;
 * each record carries the time its transaction was handed to commit; the consumer notes when it
 * receives it. Returns the latencies in ms.
 */
async function readCommittedLatency(broker: Broker, durationMs: number): Promise<{ latencies: number[]; transactions: number }> {
  await broker.createTopic("txn-latency", { partitions: PARTITIONS });
  const consumer = broker.consumer({ isolation: "read_committed", autoCommit: false, waitMs: 500 });
  await consumer.assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: "txn-latency", partition })));
  const committedAt = new Map<number, number>();
  const latencies: number[] = [];
  let expected = 0;
  let producing = true;
  let lastAt = 0;
  const consume = (async () => {
    while (producing || latencies.length < expected) {
      if (!producing && performance.now() - lastAt > 10_000) throw new Error(`read_committed consumer stalled: ${latencies.length} of ${expected} records received`);
      const polled = await consumer.poll({ waitMs: 200 });
      const now = performance.now();
      if (polled.length > 0) lastAt = now;
      for (const r of polled) {
        const txn = Number(new TextDecoder().decode(r.key!));
        latencies.push(now - committedAt.get(txn)!);
      }
    }
  })();
  consume.catch(() => undefined); // awaited below; this only keeps an early producer failure from leaving it unhandled
  const producer = broker.producer({ transactionalId: "txn-latency-producer" });
  const value = new Uint8Array(VALUE_BYTES).fill(98);
  let transactions = 0;
  const until = performance.now() + durationMs;
  try {
    while (performance.now() < until) {
      const txn = transactions++;
      await producer.transaction(async (tx) => {
        await tx.sendBatch("txn-latency", Array.from({ length: 10 }, (_, i) => ({ key: String(txn), value, partition: i % PARTITIONS })));
        committedAt.set(txn, performance.now());
      });
      expected += 10;
    }
  } finally {
    producing = false;
    lastAt = performance.now();
    await producer.close();
  }
  await consume;
  await consumer.close();
  return { latencies, transactions };
}

/**
 * Runs the scenarios on a fresh broker and returns their rows.
 */
export async function transactionBenchmarks(options: TransactionBenchOptions): Promise<BenchRow[]> {
  const plan = options.quick ? PLAN.quick : PLAN.full;
  const log = options.log ?? (() => {});
  const tmp = tempDir("rivulet-txn-bench-");
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: PARTITIONS });
  const rows: BenchRow[] = [];
  try {
    await broker.createTopic(TOPIC, { partitions: PARTITIONS, config: { flush: "os", "segment.bytes": 256 * 1024 * 1024 } });
    const producer = broker.producer({ transactionalId: "txn-bench-producer" });
    try {
      for (const perTxn of [10, 100, 1000]) {
        const total = plan.records[perTxn];
        log(`  transactions: ${perTxn} records per transaction, ${total} records …`);
        const idemMs = await idempotentMs(broker, total, perTxn);
        const txnMs = await transactionalMs(producer, total, perTxn);
        rows.push(...pairRows(perTxn, total, "in-process", idemMs, txnMs));
      }
    } finally {
      await producer.close();
    }
    const listener = await startKafkaListener(broker, { host: "127.0.0.1", port: 0 });
    try {
      const address = `127.0.0.1:${listener.port}`;
      for (const perTxn of [10, 100, 1000]) {
        const total = plan.records[perTxn] / 2;
        log(`  transactions: kafkajs through the listener, ${perTxn} records per transaction, ${total} records …`);
        const idemMs = await kafkajsMs(address, total, perTxn, false);
        const txnMs = await kafkajsMs(address, total, perTxn, true);
        rows.push(...pairRows(perTxn, total, "kafkajs → listener", idemMs, txnMs));
      }
    } finally {
      await listener.close();
    }
    log(`  transactions: read_committed end-to-end latency for ${plan.latencyMs} ms …`);
    const { latencies, transactions } = await readCommittedLatency(broker, plan.latencyMs);
    rows.push({
      scenario: "read_committed end-to-end latency",
      system: "rivulet transactional (in-process)",
      records_per_s: (latencies.length / plan.latencyMs) * 1000,
      mb_per_s: null,
      p50_ms: median(latencies),
      p99_ms: percentile(latencies, 99),
      p999_ms: percentile(latencies, 99.9),
      note: `${transactions} transactions of 10 records back to back; from commit to the consumer's receipt; p95 ${percentile(latencies, 95).toFixed(2)} ms`,
    });
    return rows;
  } finally {
    await broker.close();
    tmp.remove();
  }
}

if (isMain(import.meta.url)) {
  const quick = process.argv.includes("--quick");
  printTable(`Transactions (${quick ? "--quick" : "default run"})`, await transactionBenchmarks({ quick, log: console.log }));
}
