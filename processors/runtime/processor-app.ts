/**
 * A running stream-processing app: a member of the consumer group named after the app
 * (group id = app id) reading its input topics, one {@link TaskRunner} per assigned partition
 * number, its tasks on a piscina pool ({@link ProcessorPool}).
 *
 * The loop: poll the inputs; hand each task its records (per input partition in offset order,
 * partitions merged by timestamp); write each task's results (outputs, then changelog); every
 * `commitIntervalMs` tick the tasks and commit the input offsets whose results are written
 * (at-least-once: a crash between writing and committing re-processes, never skips); every
 * `snapshotIntervalMs` snapshot each task's stores. A task whose worker died resumes from its
 * last written input offsets once restored on another worker. A task that throws stops the
 * app (state `failed`, the error in `status()`).
 *
 * Exactly-once (`guarantee: "exactly-once"`, as Kafka Streams' EOS v2): one transactional
 * producer per app instance, its id stable across restarts (`<app>-streams-<hash of stateDir>`),
 * so a restarted instance fences its predecessor and aborts its open transaction. Each commit
 * interval is one transaction holding every task's outputs, repartition records and changelog
 * records and the tasks' input offsets (sent with the group member id and generation, so a
 * member rebalanced away cannot commit). Inputs and restores read `read_committed`. Snapshots
 * are taken only between transactions, after a commit, so a snapshot never covers an
 * uncommitted changelog write. When a transaction fails (a worker died inside it, fencing, a
 * rebalance, a broker error) it is aborted, every task drops its in-memory state and restores
 * from snapshot + committed changelog, and inputs resume from the committed offsets.
 *
 * Concurrency: main thread only; `stop()` waits for the loop to finish its round.
 */
import { join } from "node:path";
import { RivuletError, errorToData, isRivuletError, type ErrorData } from "../../core/errors.ts";
import type { Consumer } from "../../broker/consumer.ts";
import type { Producer } from "../../broker/producer.ts";
import type { ConsumedRecord } from "../../broker/types.ts";
import { importModule } from "../../runtime/import-module.ts";
import type { InputRecord } from "../task-contract.ts";
import { prepareTopics } from "./internal-topics.ts";
import type { AppStatus, ProcessorAppApi, ProcessorAppOptions, StoreQuery, TaskStatus } from "../../broker/processors-api.ts";
import type { ProcessorBroker } from "./processor-broker.ts";
import { ProcessorPool } from "./processor-pool.ts";
import { asRunnableTopology, type RunnableTopology } from "./runnable-topology.ts";
import { queryPartition } from "./store-query.ts";
import { TaskRunner } from "./task-runner.ts";
import { mergeByTimestamp } from "./merge-inputs.ts";
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import type { Transaction, TransactionalProducer, TransactionalProducerOptions } from "../../transactions/transactional-producer.ts";
import type { RecordWriter } from "./task-runner.ts";

/**
 * Fault injection, never for production: with this variable set to 1 (and the broker opened
 * with `faultInjection`), the app commits input offsets as soon as it polls them, before their
 * results are written — the broken mode the crash oracle must catch (records lost on a crash).
 */
export const commitBeforeWriteVariable = "RIVULET_DEBUG_STREAMS_COMMIT_BEFORE_WRITE";

/** A task's own error inside an exactly-once round: it fails the app rather than aborting and retrying. */
class TaskFailure {
  constructor(readonly error: unknown) {}
}

type ResolvedOptions = Required<Omit<ProcessorAppOptions, "guarantee">> & { guarantee: "at-least-once" | "exactly-once" };

/**
 * @example
 * ```ts
 * const app = await ProcessorApp.start(broker, new URL("./my-app.ts", import.meta.url).href, { workers: 2 });
 * console.log(await app.store("counts").get("alice"), app.status().tasks.length);
 * await app.stop();
 * ```
 */
export class ProcessorApp implements ProcessorAppApi {
  readonly appId: string;
  readonly topology: RunnableTopology;
  readonly #broker: ProcessorBroker;
  readonly #pool: ProcessorPool;
  readonly #consumer: Consumer;
  readonly #producer: Producer;
  /** Exactly-once: the instance's transactional producer (replaced when fenced). */
  #transactional: TransactionalProducer | null = null;
  /** Where task results go now: the producer, or the open transaction. */
  #writer: RecordWriter;
  /** Exactly-once: transactions committed and aborted. */
  #transactions = { committed: 0, aborted: 0 };
  readonly #commitBeforeWrite: boolean;
  readonly #tasks: number;
  readonly #repartitionPartitions: Record<string, number>;
  readonly #options: ResolvedOptions;
  readonly #runners = new Map<number, TaskRunner>();
  readonly #ends = new Map<string, number>();
  readonly #rates = new Map<number, { at: number; processed: number; rate: number }>();
  readonly #stopping = new AbortController();
  readonly #moduleUrl: string;
  #state: AppStatus["state"] = "starting";
  #error: ErrorData | undefined;
  #loop: Promise<void> = Promise.resolve();
  #committed = new Map<string, number>();
  #onStop: () => void;
  #closing: Promise<void> | null = null;
  #stopped!: () => void;
  readonly #whenStopped = new Promise<void>((resolve) => (this.#stopped = resolve));

  /**
   * Loads the module, checks and creates topics, joins the group and starts the pool.
   *
   * @throws {RivuletError} `not_supported` for exactly-once on a broker without transactions;
   *   `invalid_request` for the commit-before-write switch without fault injection; `invalid_topology`; `unknown_topic`
   */
  static async start(broker: ProcessorBroker, moduleUrl: string, options: ProcessorAppOptions = {}, onStop: () => void = () => {}): Promise<ProcessorApp> {
    const commitBeforeWrite = process.env[commitBeforeWriteVariable] === "1";
    if (commitBeforeWrite && !hasFaultInjection(broker)) {
      throw new RivuletError("invalid_request", `${commitBeforeWriteVariable} is a fault-injection switch: refused unless the broker is opened with faultInjection`);
    }
    if (options.guarantee !== undefined && options.guarantee !== "at-least-once" && options.guarantee !== "exactly-once") throw new RivuletError("invalid_request", `guarantee must be "at-least-once" or "exactly-once", got ${JSON.stringify(options.guarantee)}`);
    const workers = options.workers ?? 2;
    if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw new RivuletError("invalid_request", `workers must be an integer from 1 to 256, got ${workers}`);
    const topology = asRunnableTopology((await importModule(moduleUrl)).default, moduleUrl);
    const { tasks, repartitionPartitions } = await prepareTopics(broker, topology);
    const app = new ProcessorApp(broker, topology, moduleUrl, tasks, repartitionPartitions, {
      workers,
      guarantee: options.guarantee ?? "at-least-once",
      commitIntervalMs: options.commitIntervalMs ?? broker.limits.processorCommitIntervalMs,
      snapshotIntervalMs: options.snapshotIntervalMs ?? broker.limits.processorSnapshotIntervalMs,
      stateDir: options.stateDir ?? join(broker.dataDir, "processor-state"),
    }, onStop, commitBeforeWrite);
    try {
      if (app.#options.guarantee === "exactly-once") {
        app.#transactional = app.#newTransactionalProducer();
        // Takes the id before any restore: fences an earlier instance and aborts its open
        // transaction, so the changelogs' and inputs' last stable offsets move past it.
        await app.#transactional.transaction(async () => {});
      }
      await app.#consumer.subscribe([...topology.sources]);
      // Tasks exist (and start restoring) from here, so queries can find them at once; a
      // failed restore is met again, and reported, by the loop.
      for (const runner of await app.#assignTasks()) runner.ensureOpen().catch(() => {});
    } catch (error) {
      await app.#shutdown();
      throw error;
    }
    app.#state = "running";
    app.#loop = app.#run();
    return app;
  }

  private constructor(broker: ProcessorBroker, topology: RunnableTopology, moduleUrl: string, tasks: number, repartitionPartitions: Record<string, number>, options: ResolvedOptions, onStop: () => void, commitBeforeWrite: boolean) {
    this.#commitBeforeWrite = commitBeforeWrite;
    this.#repartitionPartitions = repartitionPartitions;
    this.appId = topology.appId;
    this.topology = topology;
    this.#broker = broker;
    this.#moduleUrl = moduleUrl;
    this.#tasks = tasks;
    this.#options = options;
    this.#onStop = onStop;
    this.#pool = new ProcessorPool({ workers: options.workers, moduleUrl });
    this.#producer = broker.producer({ idempotent: true });
    this.#writer = this.#producer;
    const isolation = options.guarantee === "exactly-once" ? "read_committed" : "read_uncommitted";
    this.#consumer = broker.consumer({ groupId: topology.appId, autoCommit: false, fromBeginning: true, maxRecords: broker.limits.processorBatchRecordsMax, sessionTimeoutMs: broker.limits.processorSessionTimeoutMs, isolation });
  }

  /** The app's task count: the most partitions of any input topic (tasks run where the group assigns them). */
  get taskCount(): number {
    return this.#tasks;
  }

  /** A store, for interactive queries. */
  store(name: string): StoreQuery {
    return {
      get: async (key, options = {}) => {
        const partition = queryPartition(this.topology, name, key, this.#tasks);
        const runner = this.#runners.get(partition);
        if (!runner) throw new RivuletError("not_found", `task ${partition} of app ${this.appId} (holding that key) does not run in this process`, { app: this.appId, store: name, partition });
        return await runner.query(name, key, options.windowStart);
      },
    };
  }

  /** Tasks, lag per input partition, restore progress, store sizes. */
  status(): AppStatus {
    const tasks = [...this.#runners.values()].sort((a, b) => a.partition - b.partition).map((runner): TaskStatus => ({
      partition: runner.partition,
      state: runner.state,
      worker: runner.threadId,
      restores: runner.restores,
      restoreMs: Math.round(runner.restoreMs),
      restore: runner.restore,
      inputs: [...runner.written].map(([tp, position]) => {
        const slash = tp.lastIndexOf("/");
        const endOffset = Math.max(this.#ends.get(tp) ?? position, position);
        return { topic: tp.slice(0, slash), partition: Number(tp.slice(slash + 1)), position, endOffset, lag: endOffset - position };
      }),
      processed: runner.processed,
      recordsPerSecond: this.#rates.get(runner.partition)?.rate ?? 0,
      lateDropped: runner.lateDropped,
      stores: runner.stores,
      snapshots: runner.snapshots,
      snapshotOffsets: runner.snapshotOffsets,
    }));
    const transactions = this.#options.guarantee === "exactly-once" ? { transactions: { ...this.#transactions } } : {};
    return { appId: this.appId, state: this.#state, guarantee: this.#options.guarantee, workers: this.#pool.threadIds(), tasks, ...transactions, ...(this.#error ? { error: this.#error } : {}) };
  }

  /**
   * Ends a pool worker thread abruptly, as a crash would: its tasks move to other workers and
   * restore there. For fault drills and tests.
   *
   * @returns false when no live worker has that id
   */
  terminateWorker(threadId: number): Promise<boolean> {
    return this.#pool.terminateWorker(threadId);
  }

  /** Finishes the current round, commits, snapshots every store, leaves the group and ends the pool. */
  async stop(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#stopping.abort();
    await this.#loop;
    if (this.#state !== "failed") {
      // Exactly-once: the loop ended on a committed (or aborted and rolled back) transaction.
      if (this.#options.guarantee === "at-least-once") await this.#commit().catch(() => {});
      await Promise.all([...this.#runners.values()].map((r) => r.snapshot(Date.now()).catch(() => {})));
    }
    await this.#shutdown();
  }

  #shutdown(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#state !== "failed") this.#state = "stopped";
    this.#stopping.abort();
    await Promise.all([...this.#runners.values()].map((r) => r.close()));
    await this.#consumer.close().catch(() => {});
    await this.#producer.close().catch(() => {});
    await this.#transactional?.close().catch(() => {});
    await this.#pool.close();
    this.#onStop();
    this.#stopped();
  }

  /** Resolves once the app has stopped: by `stop()`, or by failing (then `status().error` says why). */
  whenStopped(): Promise<AppStatus> {
    return this.#whenStopped.then(() => this.status());
  }

  async #run(): Promise<void> {
    if (this.#options.guarantee === "exactly-once") return await this.#runExactlyOnce();
    let lastTick = Date.now();
    let lastCommit = Date.now();
    const waitMs = Math.min(this.#options.commitIntervalMs, 1_000);
    try {
      while (!this.#stopping.signal.aborted) {
        let records: ConsumedRecord[];
        try {
          records = await this.#consumer.poll({ waitMs });
        } catch (error) {
          // The session expired (a long restore kept the loop from polling): join again.
          if (!isRivuletError(error, "unknown_member") && !isRivuletError(error, "illegal_generation")) throw error;
          await this.#consumer.subscribe([...this.topology.sources]);
          continue;
        }
        if (this.#commitBeforeWrite) await this.#commitPolled(records);
        await this.#syncTasks();
        await Promise.all([...groupByTask(records)].map(([partition, list]) => this.#process(partition, list)));
        const now = Date.now();
        if (now - lastTick >= this.#options.commitIntervalMs) {
          lastTick = now;
          await Promise.all([...this.#runners.values()].map((r) => r.tick(now)));
        }
        if (now - lastCommit >= this.#options.commitIntervalMs) {
          lastCommit = now;
          await this.#commit();
          await this.#refreshEnds(now);
        }
        for (const runner of this.#runners.values()) {
          if (now - runner.lastSnapshotAt >= this.#options.snapshotIntervalMs && runner.state === "running") await runner.snapshot(now);
        }
      }
    } catch (error) {
      if (this.#stopping.signal.aborted && isRivuletError(error, "closed")) return;
      this.#state = "failed";
      this.#error = errorToData(error);
      await this.#shutdown().catch(() => {});
    }
  }

  /**
   * The exactly-once loop: one transaction per commit interval (see the module comment). A
   * task's own error fails the app; any other failure aborts the transaction and rolls back.
   */
  async #runExactlyOnce(): Promise<void> {
    const waitMs = Math.min(this.#options.commitIntervalMs, 1_000);
    try {
      while (!this.#stopping.signal.aborted) {
        let sent: Array<{ topic: string; partition: number; offset: number }> = [];
        try {
          await this.#transactional!.transaction(async (tx) => {
            this.#writer = tx;
            sent = await this.#transactionRound(tx, waitMs);
          });
        } catch (error) {
          if (error instanceof TaskFailure) throw error.error;
          if (this.#stopping.signal.aborted && isRivuletError(error, "closed")) return;
          this.#transactions.aborted++;
          if (isRivuletError(error, "producer_fenced")) this.#transactional = this.#newTransactionalProducer();
          if (isRivuletError(error, "unknown_member") || isRivuletError(error, "illegal_generation")) await this.#consumer.subscribe([...this.topology.sources]);
          await this.#rollback();
          continue;
        } finally {
          this.#writer = this.#producer;
        }
        if (sent.length > 0) this.#transactions.committed++;
        for (const e of sent) this.#committed.set(`${e.topic}/${e.partition}`, e.offset);
        const now = Date.now();
        await this.#refreshEnds(now);
        // Between transactions, after a commit: every store holds exactly its committed changelog.
        for (const runner of this.#runners.values()) {
          if (now - runner.lastSnapshotAt >= this.#options.snapshotIntervalMs && runner.state === "running") await runner.snapshot(now);
        }
      }
    } catch (error) {
      if (this.#stopping.signal.aborted && isRivuletError(error, "closed")) return;
      this.#state = "failed";
      this.#error = errorToData(error);
      await this.#shutdown().catch(() => {});
    }
  }

  /**
   * One transaction's work: poll and process until the commit interval is up, tick the tasks,
   * and add the positions processed to the transaction.
   *
   * @returns the input offsets the transaction commits
   */
  async #transactionRound(tx: Transaction, waitMs: number): Promise<Array<{ topic: string; partition: number; offset: number }>> {
    const started = Date.now();
    do {
      const records = await this.#consumer.poll({ waitMs });
      if (this.#commitBeforeWrite) await this.#commitPolled(records);
      await this.#syncTasks();
      await Promise.all([...groupByTask(records)].map(async ([partition, list]) => {
        const runner = this.#runners.get(partition);
        if (!runner) return;
        let done: boolean;
        try {
          done = await runner.process(mergeByTimestamp(list));
        } catch (error) {
          throw new TaskFailure(error);
        }
        if (!done) throw new RivuletError("actor_failed", `task ${partition} of app ${this.appId} lost its pool worker inside a transaction: aborting it`, { partition });
      }));
    } while (!this.#stopping.signal.aborted && Date.now() - started < this.#options.commitIntervalMs);
    const now = Date.now();
    await Promise.all([...this.#runners.values()].map(async (runner) => {
      let done: boolean;
      try {
        done = await runner.tick(now);
      } catch (error) {
        throw new TaskFailure(error);
      }
      if (!done) throw new RivuletError("actor_failed", `task ${runner.partition} of app ${this.appId} lost its pool worker inside a transaction: aborting it`, { partition: runner.partition });
    }));
    const entries = this.#movedPositions();
    if (entries.length > 0 && !this.#commitBeforeWrite) await tx.sendOffsets(this.appId, entries, this.#consumer.membership() ?? undefined);
    return entries;
  }

  /**
   * After an aborted transaction: every task drops its state (restoring from snapshot +
   * committed changelog on its next call) and every input resumes from its committed offset.
   */
  async #rollback(): Promise<void> {
    const assigned = this.#consumer.assignment();
    const committed = await this.#broker.groups.fetchOffsets(this.appId, assigned);
    const positions = new Map<string, number>();
    for (const c of committed) positions.set(`${c.topic}/${c.partition}`, c.offset >= 0 ? c.offset : await this.#broker.listOffset(c.topic, c.partition, "earliest"));
    await Promise.all([...this.#runners].map(([partition, runner]) => runner.reset(new Map([...positions].filter(([tp]) => Number(tp.slice(tp.lastIndexOf("/") + 1)) === partition)))));
    for (const [tp, offset] of positions) {
      const slash = tp.lastIndexOf("/");
      this.#consumer.seek(tp.slice(0, slash), Number(tp.slice(slash + 1)), offset);
      this.#committed.set(tp, offset);
    }
  }

  /** The broken mode's early commit: the positions after the polled records, before any result is written. */
  async #commitPolled(records: ConsumedRecord[]): Promise<void> {
    const next = new Map<string, { topic: string; partition: number; offset: number }>();
    for (const r of records) next.set(`${r.topic}/${r.partition}`, { topic: r.topic, partition: r.partition, offset: r.offset + 1 });
    if (next.size > 0) await this.#consumer.commit([...next.values()]).catch(() => {});
  }

  #newTransactionalProducer(): TransactionalProducer {
    const instance = createHash("sha256").update(resolve(this.#options.stateDir)).digest("hex").slice(0, 16);
    const options: TransactionalProducerOptions = { transactionalId: `${this.appId}-streams-${instance}` };
    const producer = (this.#broker as unknown as { producer(o: TransactionalProducerOptions): Partial<TransactionalProducer> }).producer(options);
    if (typeof producer.transaction !== "function") {
      throw new RivuletError("not_supported", `guarantee "exactly-once" needs a broker with transactions (this one has no transaction coordinator)`, { guarantee: "exactly-once" });
    }
    return producer as TransactionalProducer;
  }

  /** Hands a task its records; when they were lost with a worker, rewinds its inputs to replay them. */
  async #process(partition: number, records: ConsumedRecord[]): Promise<void> {
    const runner = this.#runners.get(partition);
    if (!runner) return;
    const inputs: InputRecord[] = mergeByTimestamp(records);
    if (await runner.process(inputs)) return;
    const rewound = new Set<string>();
    for (const record of records) {
      const tp = `${record.topic}/${record.partition}`;
      if (rewound.has(tp)) continue;
      rewound.add(tp);
      this.#consumer.seek(record.topic, record.partition, runner.written.get(tp) ?? record.offset);
    }
  }

  /** Creates runners for newly assigned partition numbers (restoring them) and closes revoked ones. */
  async #syncTasks(): Promise<void> {
    const fresh = await this.#assignTasks();
    await Promise.all(fresh.map((runner) => runner.ensureOpen()));
  }

  /** Creates runners for newly assigned partition numbers and closes revoked ones; returns the new runners. */
  async #assignTasks(): Promise<TaskRunner[]> {
    const assigned = this.#consumer.assignment();
    const numbers = new Set(assigned.map((tp) => tp.partition));
    for (const [partition, runner] of this.#runners) {
      if (numbers.has(partition)) continue;
      this.#runners.delete(partition);
      await runner.close();
    }
    const fresh = [...numbers].filter((p) => !this.#runners.has(p));
    if (fresh.length === 0) return [];
    const committed = await this.#broker.groups.fetchOffsets(this.appId, assigned.filter((tp) => fresh.includes(tp.partition)));
    const context = {
      broker: this.#broker,
      pool: this.#pool,
      writer: () => this.#writer,
      isolation: this.#options.guarantee === "exactly-once" ? "read_committed" as const : "read_uncommitted" as const,
      topology: this.topology,
      moduleUrl: this.#moduleUrl,
      storeBytesMax: this.#broker.limits.processorStoreBytesMax,
      restoreFetchBytesMax: this.#broker.limits.processorRestoreFetchBytesMax,
      partitions: this.#repartitionPartitions,
      signal: this.#stopping.signal,
    };
    for (const partition of fresh) {
      const runner = new TaskRunner(partition, { ...context, stateDir: join(this.#options.stateDir, encodeURIComponent(this.appId), String(partition)) });
      for (const c of committed.filter((c) => c.partition === partition)) {
        const position = c.offset >= 0 ? c.offset : await this.#broker.listOffset(c.topic, c.partition, "earliest");
        runner.written.set(`${c.topic}/${c.partition}`, position);
        this.#committed.set(`${c.topic}/${c.partition}`, position);
      }
      runner.lastSnapshotAt = Date.now();
      this.#runners.set(partition, runner);
    }
    return fresh.map((p) => this.#runners.get(p)!);
  }

  /** The written positions not yet committed. */
  #movedPositions(): Array<{ topic: string; partition: number; offset: number }> {
    const entries: Array<{ topic: string; partition: number; offset: number }> = [];
    for (const runner of this.#runners.values()) {
      for (const [tp, offset] of runner.written) {
        if (this.#committed.get(tp) === offset) continue;
        const slash = tp.lastIndexOf("/");
        entries.push({ topic: tp.slice(0, slash), partition: Number(tp.slice(slash + 1)), offset });
      }
    }
    return entries;
  }

  /** Commits the written positions that moved; a rebalance under way defers it to the next round. */
  async #commit(): Promise<void> {
    const entries = this.#movedPositions();
    if (entries.length === 0) return;
    try {
      await this.#consumer.commit(entries);
    } catch (error) {
      if (isRivuletError(error) && (error.retriable || error.code === "illegal_generation" || error.code === "unknown_member")) return;
      throw error;
    }
    for (const e of entries) this.#committed.set(`${e.topic}/${e.partition}`, e.offset);
  }

  /** Refreshes input end offsets (for lag) and each task's records/s. */
  async #refreshEnds(now: number): Promise<void> {
    await Promise.all(
      this.#consumer.assignment().map(async (tp) => {
        this.#ends.set(`${tp.topic}/${tp.partition}`, await this.#broker.listOffset(tp.topic, tp.partition, "latest").catch(() => this.#ends.get(`${tp.topic}/${tp.partition}`) ?? 0));
      }),
    );
    for (const runner of this.#runners.values()) {
      const sample = this.#rates.get(runner.partition);
      if (!sample) this.#rates.set(runner.partition, { at: now, processed: runner.processed, rate: 0 });
      else if (now - sample.at >= 1_000) this.#rates.set(runner.partition, { at: now, processed: runner.processed, rate: Math.round(((runner.processed - sample.processed) * 1000) / (now - sample.at)) });
    }
  }
}

/** Records by partition number (the task), keeping their order. */
function groupByTask(records: ConsumedRecord[]): Map<number, ConsumedRecord[]> {
  const out = new Map<number, ConsumedRecord[]>();
  for (const record of records) {
    let list = out.get(record.partition);
    if (!list) out.set(record.partition, (list = []));
    list.push(record);
  }
  return out;
}

/** Whether the broker was opened with fault injection (its `faults` getter throws otherwise). */
function hasFaultInjection(broker: object): boolean {
  try {
    return (broker as { faults?: unknown }).faults != null;
  } catch {
    return false;
  }
}
