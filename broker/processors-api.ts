/**
 * The stream-processing contract the public `Broker` exposes as `broker.processors` (DESIGN §13):
 * options, status shapes and the app's operations. It lives on the broker's floor, as the
 * group coordinator's contract does (group-api.ts), because the `Broker` class (groups/) exposes
 * it while its implementation, processors/runtime/, sits floors above and registers itself
 * (groups/broker.ts `installProcessors`) when loaded.
 */
import type { ErrorData } from "../core/errors.ts";

/** Sizes of a task's stores, reported with every answer that may change them. */
export interface StoreSizes {
  [store: string]: { entries: number; bytes: number };
}

/** Restore progress of one store. */
export interface StoreRestoreStatus {
  /** Entries loaded from the snapshot, and the changelog offset it covered. */
  snapshotEntries: number;
  fromOffset: number;
  /** Changelog records replayed so far, of `total` to replay. */
  replayed: number;
  total: number;
  /** Why a snapshot file was ignored, if one was. */
  ignoredSnapshot?: string;
  /** Time spent replaying the changelog, in ms. */
  replayMs: number;
}

/** Options of `broker.processors.start`. */
export interface ProcessorAppOptions {
  /** Pool worker threads (default 2). */
  workers?: number;
  /** `at-least-once` (default) or `exactly-once`. */
  guarantee?: "at-least-once" | "exactly-once";
  /** How often input offsets are committed and tasks ticked (default limits.processorCommitIntervalMs). */
  commitIntervalMs?: number;
  /** How often each task's stores are snapshotted (default limits.processorSnapshotIntervalMs). */
  snapshotIntervalMs?: number;
  /** Where snapshots go (default `<dataDir>/processor-state`); one folder per app and task below it. */
  stateDir?: string;
}

/** One input partition of a task. */
export interface InputStatus {
  topic: string;
  partition: number;
  /** Next offset whose results are not written yet. */
  position: number;
  endOffset: number;
  lag: number;
}

/** A task, as `status()` reports it. */
export interface TaskStatus {
  partition: number;
  state: "restoring" | "running" | "closed";
  /** Thread id of the pool worker hosting it. */
  worker: number | null;
  /** Times it was opened (1 + moves after a worker died). */
  restores: number;
  /** How long the latest restore took (snapshot load + changelog replay), in ms. */
  restoreMs: number;
  restore: Record<string, StoreRestoreStatus>;
  inputs: InputStatus[];
  processed: number;
  recordsPerSecond: number;
  lateDropped: number;
  stores: StoreSizes;
  /** Snapshots written since the task was created here, and the changelog offsets the last one covers. */
  snapshots: number;
  snapshotOffsets: Record<string, number>;
}

/** `status()` of an app. */
export interface AppStatus {
  appId: string;
  state: "starting" | "running" | "failed" | "stopped";
  guarantee: "at-least-once" | "exactly-once";
  workers: number[];
  tasks: TaskStatus[];
  /** Exactly-once only: transactions committed (with records or offsets) and aborted (then rolled back) by this instance. */
  transactions?: { committed: number; aborted: number };
  error?: ErrorData;
}

/** A store of an app, for interactive queries. */
export interface StoreQuery {
  /**
   * The value at `key` (decoded by the topology when it can), or undefined.
   *
   * @throws {RivuletError} `not_found` when the key's task does not run in this process
   */
  get(key: unknown, options?: { windowStart?: number }): Promise<unknown>;
}

/** A running stream-processing app. */
export interface ProcessorAppApi {
  /** The application id (the consumer group id). */
  readonly appId: string;
  /** The app's task count: the most partitions of any input topic. */
  readonly taskCount: number;
  /** A store, for interactive queries. */
  store(name: string): StoreQuery;
  /** Tasks, lag per input partition, restore progress, store sizes. */
  status(): AppStatus;
  /** Finishes the current round, commits, snapshots every store, leaves the group and ends the pool. */
  stop(): Promise<void>;
  /** Resolves once the app has stopped: by `stop()`, or by failing (then `status().error` says why). */
  whenStopped(): Promise<AppStatus>;
  /** Ends a pool worker thread abruptly, as a crash would (fault drills and tests); false when no live worker has that id. */
  terminateWorker(threadId: number): Promise<boolean>;
}

/** `broker.processors`: the apps running on one broker. */
export interface ProcessorsApi {
  /**
   * Starts a topology module (its default export, `topology(appId, build)`) as an app.
   *
   * @param moduleUrl the module's URL (a `file:` URL), or its path
   * @throws {RivuletError} `not_supported` (exactly-once: not yet), `invalid_topology`, `unknown_topic`, `conflict` (that app id runs already), `too_many_streams` (`processorAppsMax`)
   */
  start(moduleUrl: URL | string, options?: ProcessorAppOptions): Promise<ProcessorAppApi>;
  /** A running app by id. */
  get(appId: string): ProcessorAppApi | undefined;
  /** The running apps. */
  list(): ProcessorAppApi[];
  /** Stops every app. */
  stopAll(): Promise<void>;
}
