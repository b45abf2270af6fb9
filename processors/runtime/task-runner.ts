/**
 * The main thread's side of one task (one partition number of an app): opens it on its pool
 * worker and restores its stores (snapshot + changelog tail), sends it input batches, writes
 * what it returns (outputs first, then changelog records), and tracks the input positions whose
 * results are written: the offsets the app commits (at-least-once: written, then committed).
 *
 * When the task's worker dies with a call in flight, or a call lands on a worker that does not
 * hold the task (a replacement thread), the call's results were never written: the task is
 * marked closed, {@link TaskRunner.replayFrom} says where its inputs resume, and the next call
 * opens and restores it again on the worker the pool routes it to.
 *
 * Under exactly-once the results go into the app's open transaction (the `writer` the app hands
 * out), restores read the changelog `read_committed` (only committed store writes), and when a
 * transaction aborts the app {@link TaskRunner.reset}s every task: its in-memory state is
 * dropped and rebuilt from snapshot + committed changelog before it sees records again.
 *
 * Concurrency: the app calls one method at a time per task (process, tick, snapshot); queries
 * may run alongside (they only read, and the worker handles one message at a time).
 */
import { RivuletError } from "../../core/errors.ts";
import type { Isolation, ProducerRecord, RecordMetadata } from "../../broker/types.ts";
import type { StoreRestorePoint } from "../state/task-stores.ts";
import type { InputRecord } from "../task-contract.ts";
import { iterateBatches } from "../../record/iterate-batches.ts";
import { decodeResult, encodeInputs } from "./batch-codec.ts";
import type { StoreRestoreStatus, StoreSizes } from "../../broker/processors-api.ts";
import type { PoolReply } from "./pool-protocol.ts";
import type { PoolOutcome, ProcessorPool } from "./processor-pool.ts";
import type { ProcessorBroker } from "./processor-broker.ts";
import { changelogTopic, type RunnableTopology } from "./runnable-topology.ts";

/** Where a task's results go: the app's producer (at-least-once) or its open transaction (exactly-once). */
export interface RecordWriter {
  sendBatch(topic: string, records: ProducerRecord[]): Promise<RecordMetadata[]>;
}

/** What the app tells each runner. */
export interface TaskRunnerContext {
  broker: ProcessorBroker;
  pool: ProcessorPool;
  /** The writer for the current call's results (read at each write). */
  writer: () => RecordWriter;
  /** How restores read the changelogs: `read_committed` under exactly-once. */
  isolation: Isolation;
  topology: RunnableTopology;
  moduleUrl: string;
  stateDir: string;
  storeBytesMax: number;
  restoreFetchBytesMax: number;
  /** Partition counts of the app's repartition topics. */
  partitions: Record<string, number>;
  /** Aborted when the app stops: restores give up. */
  signal: AbortSignal;
}

type Ok<T extends string> = Extract<PoolReply, { ok: true; op: T }>;

/** One task of a running app. */
export class TaskRunner {
  readonly partition: number;
  #context: TaskRunnerContext;
  #epoch = 0;
  #opening: Promise<void> | null = null;
  #open = false;
  /** Per store, the next changelog offset (its end, once this task's writes are acknowledged). */
  readonly changelogEnd: Record<string, number> = {};
  /** Per input `topic/partition`, the next offset whose results are not yet written. */
  readonly written = new Map<string, number>();
  restore: Record<string, StoreRestoreStatus> = {};
  restores = 0;
  /** How long the latest open took: loading the snapshots on the worker, then replaying the changelogs (ms). */
  restoreMs = 0;
  processed = 0;
  lateDropped = 0;
  stores: StoreSizes = {};
  threadId: number | null = null;
  lastSnapshotAt = 0;
  /** Snapshots written, and the changelog offsets the last one covers. */
  snapshots = 0;
  snapshotOffsets: Record<string, number> = {};

  constructor(partition: number, context: TaskRunnerContext) {
    this.partition = partition;
    this.#context = context;
  }

  get state(): "restoring" | "running" | "closed" {
    return this.#open ? "running" : this.#opening ? "restoring" : "closed";
  }

  /** Opens the task on its worker and restores its stores, once; concurrent callers share it. */
  ensureOpen(): Promise<void> {
    if (this.#open) return Promise.resolve();
    this.#opening ??= this.#openAndRestore().finally(() => {
      this.#opening = null;
    });
    return this.#opening;
  }

  /**
   * Processes a batch and writes its results.
   *
   * @returns false when the call was lost with its worker (nothing written; replay the inputs)
   * @throws the task's own error (the app fails with it)
   */
  async process(records: readonly InputRecord[]): Promise<boolean> {
    await this.ensureOpen();
    const batch = encodeInputs(records);
    const outcome = await this.#run<Ok<"result">>({ op: "process", partition: this.partition, epoch: this.#epoch, records: batch }, [batch]);
    if (!outcome) return false;
    await this.#write(outcome);
    for (const record of records) this.written.set(`${record.topic}/${record.partition}`, record.offset + 1);
    this.processed += records.length;
    return true;
  }

  /** Wall-clock punctuation; false when lost with its worker (it is simply tried again later). */
  async tick(nowMs: number): Promise<boolean> {
    await this.ensureOpen();
    const outcome = await this.#run<Ok<"result">>({ op: "tick", partition: this.partition, epoch: this.#epoch, nowMs });
    if (!outcome) return false;
    await this.#write(outcome);
    return true;
  }

  /** Snapshots every store at the current changelog ends (between calls only). */
  async snapshot(nowMs: number): Promise<void> {
    if (!this.#open) return;
    const changelogOffsets = { ...this.changelogEnd };
    const outcome = await this.#run<Ok<"snapshot">>({ op: "snapshot", partition: this.partition, epoch: this.#epoch, changelogOffsets });
    if (!outcome) return;
    this.lastSnapshotAt = nowMs;
    this.snapshots++;
    this.snapshotOffsets = changelogOffsets;
  }

  /** Reads a store key on the task's worker (restoring the task there first if needed); undefined when absent. */
  async query(store: string, key: unknown, windowStart: number | undefined): Promise<unknown> {
    for (;;) {
      if (this.#context.signal.aborted) throw new RivuletError("closed", `the app ${this.#context.topology.appId} is stopping`);
      await this.ensureOpen();
      const outcome = await this.#run<Ok<"query">>({ op: "query", partition: this.partition, epoch: this.#epoch, store, key, windowStart });
      if (outcome) return outcome.found ? outcome.value : undefined;
    }
  }

  /**
   * Drops the task's in-memory state (its transaction aborted): the next call opens it again,
   * restoring from snapshot + committed changelog, and its inputs resume at `positions`.
   */
  async reset(positions: ReadonlyMap<string, number>): Promise<void> {
    if (this.#opening) await this.#opening.catch(() => {});
    if (this.#open) await this.#run({ op: "close", partition: this.partition, epoch: this.#epoch }).catch(() => null);
    this.#open = false;
    for (const key of Object.keys(this.changelogEnd)) delete this.changelogEnd[key];
    this.written.clear();
    for (const [tp, offset] of positions) this.written.set(tp, offset);
  }

  /** Drops the task from its worker (revoked, or the app stops). */
  async close(): Promise<void> {
    if (this.#open) await this.#run({ op: "close", partition: this.partition, epoch: this.#epoch }).catch(() => null);
    this.#open = false;
    this.#context.pool.unroute(this.partition);
  }

  /** Sends a request; a lost or stale call marks the task closed and yields null. */
  async #run<R extends PoolReply & { ok: true }>(request: Parameters<ProcessorPool["run"]>[0], transfer?: ArrayBuffer[]): Promise<R | null> {
    const outcome: PoolOutcome<R> = await this.#context.pool.run<R>(request, transfer);
    if (outcome.kind === "ok") return outcome.reply;
    this.#open = false;
    return null;
  }

  async #openAndRestore(): Promise<void> {
    const { pool, topology, moduleUrl, stateDir, storeBytesMax, partitions } = this.#context;
    for (;;) {
      if (this.#context.signal.aborted) throw new RivuletError("closed", `the app ${topology.appId} is stopping`);
      const epoch = ++this.#epoch;
      const started = performance.now();
      const opened = await pool.run<Ok<"open">>({ op: "open", partition: this.partition, epoch, moduleUrl, stateDir, storeBytesMax, partitions });
      if (opened.kind !== "ok") continue;
      this.threadId = opened.reply.threadId;
      this.restores++;
      this.restore = {};
      let lost = false;
      for (const point of opened.reply.points) {
        if (!(await this.#restoreStore(topology.appId, point, epoch))) {
          lost = true;
          break;
        }
      }
      if (lost) continue;
      this.restoreMs = performance.now() - started;
      this.#open = true;
      return;
    }
  }

  /** Replays a store's changelog from the restore point to its end; false when the worker was lost. */
  async #restoreStore(appId: string, point: StoreRestorePoint, epoch: number): Promise<boolean> {
    const { broker, pool, restoreFetchBytesMax, isolation } = this.#context;
    const topic = changelogTopic(appId, point.store);
    const end = await broker.listOffset(topic, this.partition, "latest", { isolation });
    const start = Math.max(point.fromOffset, await broker.listOffset(topic, this.partition, "earliest"));
    const status: StoreRestoreStatus = { snapshotEntries: point.snapshotEntries, fromOffset: point.fromOffset, replayed: 0, total: Math.max(0, end - start), ignoredSnapshot: point.ignoredSnapshot, replayMs: 0 };
    const started = performance.now();
    this.restore[point.store] = status;
    if (point.fromOffset > end) {
      throw new RivuletError("invalid_topology", `the snapshot of store "${point.store}" (task ${this.partition}) covers changelog offset ${point.fromOffset}, past the changelog's end ${end}: the changelog topic ${topic} was deleted or truncated; delete ${this.#context.stateDir} to rebuild from the changelog`, { store: point.store, partition: this.partition });
    }
    // One fetch ahead: the broker reads the next chunk while the pool worker applies this one.
    const fetchFrom = (from: number) => {
      const chunk = this.#fetchChunk(topic, from, restoreFetchBytesMax, isolation);
      chunk.catch(() => {}); // awaited below, unless the restore ends first
      return chunk;
    };
    let offset = start;
    let ahead = offset < end ? fetchFrom(offset) : null;
    while (ahead) {
      if (this.#context.signal.aborted) throw new RivuletError("closed", `the app ${appId} is stopping`);
      const chunk = await ahead;
      if (chunk.next <= offset) break;
      const next = Math.min(chunk.next, end);
      ahead = next < end ? fetchFrom(next) : null;
      const applied = await pool.run<Ok<"restore">>({ op: "restore", partition: this.partition, epoch, store: point.store, batches: chunk.batches, fromOffset: offset, ...(chunk.aborted ? { aborted: chunk.aborted } : {}) }, [chunk.batches]);
      if (applied.kind !== "ok") return false;
      this.stores = applied.reply.stores;
      status.replayed += applied.reply.applied;
      status.replayMs = performance.now() - started;
      offset = next;
    }
    this.changelogEnd[point.store] = Math.max(end, offset);
    return true;
  }

  /** Fetches whole changelog batches from `from`: their bytes in a buffer of their own, and the offset after the last. */
  async #fetchChunk(topic: string, from: number, maxBytes: number, isolation: Isolation): Promise<{ batches: ArrayBuffer; next: number; aborted?: { producerId: number; firstOffset: number }[] }> {
    // Whole stored batches, moved to the worker as they are: no record objects on this thread.
    const fetched = await this.#context.broker.fetchBatches(topic, this.partition, { offset: from, maxBytes, isolation });
    let next = from;
    for (const { header } of iterateBatches(fetched.batches)) next = Math.max(next, header.baseOffset + header.lastOffsetDelta + 1);
    return { batches: ownBuffer(fetched.batches), next, ...(isolation === "read_committed" ? { aborted: fetched.abortedTransactions } : {}) };
  }

  /** Writes a result: outputs (in order), then changelog records; resolves once all are acknowledged. */
  async #write(reply: Ok<"result">): Promise<void> {
    const { topology } = this.#context;
    const producer = this.#context.writer();
    const { outputs, changelog } = decodeResult(reply.records);
    this.lateDropped += reply.lateDropped;
    this.stores = reply.stores;
    await Promise.all(groupBy(outputs, (o) => o.topic).map(([topic, list]) => producer.sendBatch(topic, list.map((o): ProducerRecord => ({ key: o.key, value: o.value, timestamp: o.timestamp, partition: o.partition })))));
    await Promise.all(
      groupBy(changelog, (c) => c.store).map(async ([store, list]) => {
        const metadata = await producer.sendBatch(changelogTopic(topology.appId, store), list.map((c) => ({ key: c.key, value: c.value, partition: this.partition })));
        this.changelogEnd[store] = Math.max(this.changelogEnd[store] ?? 0, metadata[metadata.length - 1].offset + 1);
      }),
    );
  }
}

/** The bytes in an ArrayBuffer of their own, to transfer (a view of a larger buffer is copied). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.slice().buffer;
}

/** Groups items by a key, keeping their order within each group. */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(item);
  }
  return [...groups];
}
