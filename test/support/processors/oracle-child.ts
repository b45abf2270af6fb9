/**
 * The process the crash oracle SIGKILLs: a broker (fault injection on) running the oracle app
 * (oracle-topology.ts). It writes the part of the input (oracle-input.ts) not there yet a chunk
 * per partition at a time, the next one once the app has committed all but the last (so the app
 * cannot finish between two looks and every kill point falls mid-run), prints
 * `progress <committed input records>` as the app commits, terminates one pool worker once the
 * app has committed past where this incarnation started (`worker-killed`), and
 * when the input is committed and the repartition topic drained writes the result file — the
 * output topic read_committed (counts per word, in offset order) and the store's count per word
 * — prints `done <status json>` and exits. Tests only.
 *
 * Usage: `<runtime> oracle-child.ts <dataDir> <guarantee> <records> <resultFile>`; the broken
 * mode comes from the environment (RIVULET_DEBUG_STREAMS_COMMIT_BEFORE_WRITE=1).
 */
import { writeFileSync } from "node:fs";
import { Broker, isRivuletError } from "../../../mod.ts";
import type { Isolation } from "../../../broker/types.ts";
import { writeLineSync } from "../write-line.ts";
import { ORACLE_APP, ORACLE_INPUT, ORACLE_OUTPUT, ORACLE_PARTITIONS, ORACLE_WORDS, perPartition, wordOf } from "./oracle-input.ts";

const [dataDir, guarantee, recordsArg, resultFile] = process.argv.slice(2);
if (!dataDir || (guarantee !== "exactly-once" && guarantee !== "at-least-once") || !(Number(recordsArg) > 0) || !resultFile) {
  throw new TypeError("usage: oracle-child.ts <dataDir> <exactly-once|at-least-once> <records> <resultFile>");
}
const records = Number(recordsArg);
const isolation: Isolation = guarantee === "exactly-once" ? "read_committed" : "read_uncommitted";
const broker = await Broker.open({ dataDir, maxWorkers: 4, faultInjection: true });
for (const topic of [ORACLE_INPUT, ORACLE_OUTPUT]) {
  await broker.createTopic(topic, { partitions: ORACLE_PARTITIONS }).catch((error) => {
    if (!isRivuletError(error, "topic_exists")) throw error;
  });
}
const app = await broker.processors.start(new URL("./oracle-topology.ts", import.meta.url), { workers: 2, guarantee, commitIntervalMs: 100, snapshotIntervalMs: 2_000 });
const repartition = (app as unknown as { topology: { repartitionTopics: string[] } }).topology.repartitionTopics[0];

// The input is written a chunk per partition at a time (each lands whole or not at all).
const chunk = Math.max(1, Math.min(1_000, Math.ceil(perPartition(records) / 10)));

/** Writes the next chunk of every partition's input not written yet; the records now written. */
async function writeChunk(): Promise<number> {
  let written = 0;
  for (let p = 0; p < ORACLE_PARTITIONS; p++) {
    const j = await broker.listOffset(ORACLE_INPUT, p, "latest");
    const count = Math.min(chunk, perPartition(records) - j);
    if (count > 0) await broker.produce(ORACLE_INPUT, Array.from({ length: count }, (_, i) => ({ key: `r${p}-${j + i}`, value: wordOf(p, j + i), partition: p })));
    written += j + Math.max(0, count);
  }
  return written;
}

async function committed(topic: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const c of await broker.groups.fetchOffsets(ORACLE_APP)) if (c.topic === topic) out.set(c.partition, Math.max(0, c.offset));
  return out;
}

/** Every repartition record visible to the app was committed as consumed. */
async function repartitionDrained(): Promise<boolean> {
  const positions = await committed(repartition);
  for (let p = 0; p < broker.topicConfig(repartition).partitions; p++) {
    const fetched = await broker.fetch(repartition, p, { offset: positions.get(p) ?? 0, maxRecords: 1, isolation });
    if (fetched.records.length > 0) return false;
  }
  return true;
}

const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const target = perPartition(records) * ORACLE_PARTITIONS;
const startedAt = sum(await committed(ORACLE_INPUT));
let written = await writeChunk();
let workerKilled = false;
for (;;) {
  if (app.status().state === "failed") throw new Error(`the app failed: ${JSON.stringify(app.status().error)}`);
  const done = sum(await committed(ORACLE_INPUT));
  if (written < target && done >= written - chunk * ORACLE_PARTITIONS) written = await writeChunk();
  // Once the app has committed something, mid-run: reported before the progress line, so a
  // broker kill at this progress point comes after it.
  if (!workerKilled && done > startedAt && done < target) {
    workerKilled = true;
    const victim = app.status().workers[0];
    if (victim !== undefined && (await app.terminateWorker(victim))) writeLineSync("worker-killed");
  }
  writeLineSync(`progress ${done}`);
  if (done >= target && (await repartitionDrained())) break;
  await new Promise((resolve) => setTimeout(resolve, 50)); // polling the group's offsets, not pacing an assertion
}

const outputs: Record<string, number[]> = {};
const decoder = new TextDecoder();
for (let p = 0; p < ORACLE_PARTITIONS; p++) {
  const end = await broker.listOffset(ORACLE_OUTPUT, p, "latest", { isolation: "read_committed" });
  for (let offset = 0; offset < end; ) {
    const fetched = await broker.fetch(ORACLE_OUTPUT, p, { offset, maxRecords: 10_000, isolation: "read_committed" });
    for (const r of fetched.records) (outputs[decoder.decode(r.key!)] ??= []).push(Number(decoder.decode(r.value!)));
    if (fetched.nextOffset <= offset) break;
    offset = fetched.nextOffset;
  }
}
const store: Record<string, number | null> = {};
for (let w = 0; w < ORACLE_WORDS; w++) {
  const value = await app.store("counts").get(`w${w}`);
  store[`w${w}`] = value === undefined ? null : Number(value);
}
writeFileSync(resultFile, JSON.stringify({ outputs, store }));
const status = app.status();
writeLineSync(`done ${JSON.stringify({ transactions: status.transactions ?? null, restores: status.tasks.reduce((n, t) => n + t.restores, 0) })}`);
await broker.close();
process.exit(0);
