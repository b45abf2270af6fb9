import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Broker } from "../groups/broker.ts";
import { runUntilKilled } from "./support/kill-child.ts";
import { tempDir } from "./support/temp-dir.ts";

// Issue 3: SIGKILL a whole broker process under produce load, again and again on one data
// directory; every record it acknowledged must be there afterwards, at the same partition and
// offset, byte for byte, and only once.

const ROUNDS = Number(process.env.BROKER_KILL_ROUNDS ?? 6);
const TOPIC = "kill";
const PARTITIONS = 4;
const root = fileURLToPath(new URL("..", import.meta.url));
const child = join(root, "test", "support", "fixtures", "broker-produce-child.ts");

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

interface Ack {
  partition: number;
  offset: number;
  /** The value, in hex. */
  value: string;
}

/** Runs the child until its first ack, then SIGKILLs it `delayMs` later; returns every ack it printed. */
function runAndKill(dataDir: string, seed: number, delayMs: number): Promise<Ack[]> {
  return runUntilKilled<Ack>({
    script: child,
    args: [dataDir, String(seed), TOPIC, String(PARTITIONS)],
    cwd: root,
    parse: ([kind, partition, offset, value]) => (kind === "ack" ? { partition: Number(partition), offset: Number(offset), value } : null),
    armsKill: () => true,
    delayMs,
  });
}

/** Every record of the topic, as `partition/offset` → value in hex. */
async function readAll(broker: Broker): Promise<Map<string, string>> {
  const stored = new Map<string, string>();
  for (let partition = 0; partition < PARTITIONS; partition++) {
    for (let offset = 0; ; ) {
      const { records, nextOffset, highWatermark } = await broker.fetch(TOPIC, partition, { offset, maxRecords: 10_000 });
      for (const r of records) stored.set(`${partition}/${r.offset}`, r.value === null ? "null" : hex(r.value));
      if (nextOffset >= highWatermark || records.length === 0) break;
      offset = nextOffset;
    }
  }
  return stored;
}

test("a Broker SIGKILLed under idempotent produce load keeps every acknowledged record, in place, byte-identical, once", async () => {
  const tmp = tempDir("rivulet-broker-kill-");
  try {
    const acked: Ack[] = [];
    let seed = Number(process.env.BROKER_KILL_SEED ?? 4242);
    for (let round = 0; round < ROUNDS; round++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const acks = await runAndKill(tmp.dir, seed, seed % 400);
      acked.push(...acks);
      const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: PARTITIONS });
      try {
        const stored = await readAll(broker);
        for (const ack of acked) {
          const at = `${ack.partition}/${ack.offset}`;
          assert.ok(stored.has(at), `round ${round}: acknowledged record at ${at} is missing`);
          assert.is(stored.get(at), ack.value, `round ${round}: record at ${at} differs`);
        }
        const counts = new Map<string, number>();
        for (const value of stored.values()) counts.set(value, (counts.get(value) ?? 0) + 1);
        for (const ack of acked) assert.is(counts.get(ack.value), 1, `round ${round}: value at ${ack.partition}/${ack.offset} stored once`);
      } finally {
        await broker.close();
      }
    }
    assert.ok(acked.length >= ROUNDS, `${acked.length} acknowledged records over ${ROUNDS} kills`);
    console.log(`  ${acked.length} acknowledged records over ${ROUNDS} kills, all present`);
  } finally {
    tmp.remove();
  }
});

test.run();
