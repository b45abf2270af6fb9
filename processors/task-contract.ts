/**
 * The contract between a topology's compiled tasks (processors/topology/, run in memory by
 * `TopologyTestDriver` or on a pool worker) and the runtime that feeds them (processors/runtime/:
 * consumer-group membership, the piscina pool, changelogs, snapshots, transactions).
 *
 * A task is one input partition number of the app (co-partitioned inputs share it). The runtime
 * hands it batches of input records in offset order per partition and, from time to time, the
 * wall clock; the task answers with the records to write (outputs and repartition records), the
 * store writes to log to the changelog, and counters. Keys and values cross as bytes, so a batch
 * moves between threads as transferable buffers; serdes run inside the task.
 *
 * Concurrency: a task is used by one thread at a time; the runtime never calls it concurrently.
 */

/** A record read from an input (or repartition) topic. */
export interface InputRecord {
  topic: string;
  partition: number;
  offset: number;
  /** Record timestamp, ms since the epoch: the record time windows use. */
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
}

/** A record the task writes: to a user topic (`to`) or an internal repartition topic. */
export interface OutputRecord {
  topic: string;
  key: Uint8Array | null;
  value: Uint8Array | null;
  timestamp: number;
  /** Set when the task picks the partition (never for `to`: the key's partitioner decides). */
  partition?: number;
}

/** One store write to append to the store's changelog topic `<app>-<store>-changelog`. */
export interface ChangelogWrite {
  store: string;
  key: Uint8Array;
  /** `null` deletes the key (a tombstone in the compacted changelog). */
  value: Uint8Array | null;
}

/** What one call into a task produced, in the order it must be written. */
export interface TaskResult {
  outputs: OutputRecord[];
  changelog: ChangelogWrite[];
  /** Records dropped because they arrived past their window's grace. */
  lateDropped: number;
}

/**
 * A key-value store with byte keys ordered by unsigned byte comparison, as a task's state.
 * Implemented in memory by processors/state/ with a memory limit; restored by the runtime from
 * a snapshot plus the changelog tail before the task sees its first record.
 */
export interface KeyValueStore {
  readonly name: string;
  get(key: Uint8Array): Uint8Array | undefined;
  /** `null` deletes. Throws a typed `RivuletError` (`store_full`) past the store's memory limit. */
  put(key: Uint8Array, value: Uint8Array | null): void;
  /** Entries with `from <= key < to` in key order (either bound may be omitted). */
  range(from?: Uint8Array, to?: Uint8Array): Iterable<[Uint8Array, Uint8Array]>;
  readonly size: number;
  /** Bytes of keys and values held, as counted against the memory limit. */
  readonly bytes: number;
}

/** A compiled task of one topology for one partition number. */
export interface Task {
  /** Input topics (user and repartition) this task reads, with its partition number. */
  readonly inputs: readonly { topic: string; partition: number }[];
  /** Processes records in order; they may come from several of the task's inputs. */
  process(records: readonly InputRecord[]): TaskResult;
  /**
   * Wall-clock tick, for housekeeping: deletes windows and join-buffer entries past their
   * retention (tombstones in `changelog`). Windows close on stream time only (as Kafka's
   * suppress does), so outputs never depend on the wall clock or on when ticks come.
   */
  tick(nowMs: number): TaskResult;
}
