/**
 * Helpers for the tests of real clusters (test/cluster/*.test.ts): brokers as
 * `rivulet serve --etcd` children, waits on the test's own metadata cache (woken by etcd's
 * watch, never by a timer), describe over HTTP.
 */
import { within } from "../etcd.ts";
import { startServe, type ServeProcess } from "../cli-process.ts";
import { tempDir } from "../temp-dir.ts";
import type { MetadataCache } from "../../../cluster/membership/metadata-cache.ts";

/** A broker child and its data directory. */
export interface ElasticBroker {
  id: number;
  server: ServeProcess;
  dir: { dir: string; remove(): void };
}

/** Starts broker `id` of cluster `cluster` (one worker thread: see broker-kill.test.ts). */
export async function startBroker(id: number, endpoint: string, cluster: string, dir = tempDir(`rivulet-${cluster}${id}-`)): Promise<ElasticBroker> {
  const server = await startServe(["--broker-id", String(id), "--etcd", endpoint, "--cluster-name", cluster, "--kafka-port", "0", "--max-workers", "1", "--data-dir", dir.dir]);
  return { id, server, dir };
}

/** Stops the brokers still running and removes their directories. */
export async function stopBrokers(brokers: ElasticBroker[]): Promise<void> {
  for (const b of brokers) if (b.server.child.exitCode === null && b.server.child.signalCode === null) b.server.child.kill("SIGTERM");
  await Promise.all(brokers.map((b) => b.server.exited));
  for (const b of brokers) b.dir.remove();
}

/** The Kafka port a `rivulet serve` child printed it listens on. */
export function kafkaPortOf(server: ServeProcess): number {
  return Number(/Kafka protocol on [^:\s]+:(\d+)/.exec(server.output())![1]);
}

/** Resolves once `look()` is true on the cache (checked now and after every change), within `ms`. */
export function until(cache: MetadataCache, look: () => boolean, ms: number, what: string): Promise<void> {
  let off = () => {};
  const done = new Promise<void>((resolve) => {
    const check = () => {
      if (look()) {
        off();
        resolve();
      }
    };
    off = cache.onChange(check) as () => void;
    check();
  });
  return within(done, ms, what).finally(() => off());
}

/** Whether no partition of any topic in the cache is moving. */
export function noMoves(cache: MetadataCache): boolean {
  return cache.topics().every((t) => !t.adding_replicas && !t.removing_replicas);
}

/** A JSON request to a broker: status and parsed body. */
export async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Longest a read_committed {@link readAll} waits for the partition's transactions to be decided, ms. */
const DECIDED_WAIT_MS_MAX = 30_000;

/**
 * Every value of a partition as `isolation` shows it, read through `url` (forwarded to the
 * leader): up to the high watermark, or (read_committed) up to a last stable offset that has
 * reached it. A transaction ended by its producer may still be writing its markers (the
 * coordinator answers EndTxn once the outcome is durable, as Kafka's does), so a read_committed
 * read long-polls until every transaction in the partition is decided; call it only when none
 * is meant to stay open.
 */
export async function readAll(url: string, topic: string, partition: number, isolation: "read_committed" | "read_uncommitted" = "read_uncommitted"): Promise<string[]> {
  const values: string[] = [];
  const deadline = Date.now() + DECIDED_WAIT_MS_MAX;
  let offset = 0;
  let waitMs = 0;
  for (;;) {
    const { status, body } = await call(url, "GET", `/v1/topics/${topic}/partitions/${partition}/records?offset=${offset}&max_records=1000&isolation=${isolation}&wait_ms=${waitMs}`);
    if (status !== 200) throw new Error(`read ${topic}/${partition} at ${offset}: ${status} ${JSON.stringify(body)}`);
    // Values that are not JSON come as value_b64.
    for (const record of body.records) values.push(record.value_b64 !== undefined ? new TextDecoder().decode(Uint8Array.from(atob(record.value_b64), (c) => c.charCodeAt(0))) : String(record.value));
    if (body.records.length > 0 && body.next_offset < body.high_watermark) {
      offset = body.next_offset;
      continue;
    }
    if (isolation !== "read_committed" || body.last_stable_offset >= body.high_watermark) return values;
    if (Date.now() > deadline) throw new Error(`read ${topic}/${partition}: a transaction still undecided after ${DECIDED_WAIT_MS_MAX} ms (last stable offset ${body.last_stable_offset}, high watermark ${body.high_watermark})`);
    offset = body.next_offset; // wait there for the last stable offset to move
    waitMs = 1_000;
  }
}

/** Replica counts per broker over every partition in the cache. */
export function replicaCounts(cache: MetadataCache, brokers: number[]): Map<number, number> {
  const counts = new Map(brokers.map((b) => [b, 0]));
  for (const t of cache.topics()) for (const row of t.replicas) for (const id of row) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** The values of `partitions` of `topic` as `isolation` shows them ({@link readAll}), sorted. */
export async function readPartitions(url: string, topic: string, partitions: number[], isolation: "read_committed" | "read_uncommitted"): Promise<string[]> {
  const all: string[] = [];
  for (const p of partitions) all.push(...(await readAll(url, topic, p, isolation)));
  return all.sort();
}

/** Creates a topic of 3 partitions, replication factor 3 and min ISR 2 through `url`; each partition's leader. */
export async function createReplicatedTopic(url: string, topic: string): Promise<number[]> {
  const { status, body } = await call(url, "POST", "/v1/topics", { name: topic, partitions: 3, replication_factor: 3, config: { "min.insync.replicas": 2 } });
  if (status !== 201) throw new Error(`create ${topic}: ${status} ${JSON.stringify(body)}`);
  return (body.partitions as Array<{ leader: number }>).map((p) => p.leader);
}
