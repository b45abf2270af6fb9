/**
 * The stores of one task (one partition number of an app) and their durability: each store is
 * an {@link OrderedStore} in memory, logged to its changelog topic `<app>-<store>-changelog`
 * (partition = the task's partition) by the runtime, and snapshotted to
 * `<stateDir>/<store>.snapshot` (see snapshot-file.ts).
 *
 * Restore = for each store, the newest valid snapshot (a torn or corrupt one is ignored with a
 * warning) and then the changelog records from the snapshot's offset to the end, applied in
 * offset order ({@link TaskStores.applyChangelog}). Without a snapshot the changelog is replayed
 * from its start.
 *
 * A snapshot's offset is the next changelog offset it does not cover, so it must be taken when
 * the store holds exactly the changelog up to there: the runtime asks for one only between two
 * task calls, after every changelog write of the earlier calls was acknowledged, and passes
 * each store's changelog end offset.
 *
 * Concurrency: not thread-safe; owned by the pool worker that hosts the task.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { RivuletError } from "../../core/errors.ts";
import { Attributes } from "../../record/batch-layout.ts";
import { iterateBatches } from "../../record/iterate-batches.ts";
import { AbortedTxnFilter, type AbortedTransaction } from "../../record/aborted-filter.ts";
import type { KeyValueStore } from "../task-contract.ts";
import { forEachChangelogRecord, type ChangelogVisitor } from "./changelog-records.ts";
import { OrderedStore } from "./ordered-store.ts";
import { readSnapshot, writeSnapshot } from "./snapshot-file.ts";

/** A store as a topology declares it. */
export interface StoreOptions {
  windowed?: boolean;
  retentionMs?: number;
  /** Overrides the broker's `processorStoreBytesMax` for this store. */
  memoryLimitBytes?: number;
}

/** Where a store's restore starts. */
export interface StoreRestorePoint {
  store: string;
  /** First changelog offset to replay (0 without a usable snapshot). */
  fromOffset: number;
  /** Entries loaded from the snapshot. */
  snapshotEntries: number;
  /** Why an existing snapshot was ignored, if it was. */
  ignoredSnapshot?: string;
}

/** The file a store's snapshot lives in. */
export function snapshotPath(stateDir: string, store: string): string {
  return join(stateDir, `${encodeURIComponent(store)}.snapshot`);
}

/**
 * @example
 * ```ts
 * const stores = new TaskStores("/data/processor-state/app/0", { storeBytesMax: 64 << 20 });
 * const counts = stores.open("counts", {});
 * const points = stores.loadSnapshots(); // then replay each changelog from points[i].fromOffset
 * ```
 */
export class TaskStores {
  readonly stateDir: string;
  readonly #storeBytesMax: number;
  readonly #stores = new Map<string, OrderedStore>();
  readonly #warn: (message: string) => void;

  /**
   * @param stateDir this task's directory (created on the first snapshot)
   * @param options `storeBytesMax`: default memory limit per store; `warn`: where ignored snapshots are reported
   */
  constructor(stateDir: string, options: { storeBytesMax: number; warn?: (message: string) => void }) {
    this.stateDir = stateDir;
    this.#storeBytesMax = options.storeBytesMax;
    this.#warn = options.warn ?? ((message) => console.warn(message));
  }

  /** Opens (or returns the open) store; the task's `openStore`. */
  open(name: string, options: StoreOptions = {}): KeyValueStore {
    let store = this.#stores.get(name);
    if (!store) {
      store = new OrderedStore(name, { bytesMax: options.memoryLimitBytes ?? this.#storeBytesMax });
      this.#stores.set(name, store);
    }
    return store;
  }

  /** An open store by name. */
  get(name: string): OrderedStore | undefined {
    return this.#stores.get(name);
  }

  /** The open stores. */
  all(): OrderedStore[] {
    return [...this.#stores.values()];
  }

  /**
   * Loads each open store from its snapshot file, when there is a valid one.
   *
   * @returns for each store, the changelog offset to replay from
   */
  loadSnapshots(): StoreRestorePoint[] {
    return this.all().map((store) => {
      const path = snapshotPath(this.stateDir, store.name);
      const read = readSnapshot(path);
      store.clear();
      if (read === undefined) return { store: store.name, fromOffset: 0, snapshotEntries: 0 };
      if ("invalid" in read) {
        this.#warn(`processors: ignoring the snapshot of store "${store.name}" (${path}): ${read.invalid}; replaying its changelog from the start`);
        return { store: store.name, fromOffset: 0, snapshotEntries: 0, ignoredSnapshot: read.invalid };
      }
      try {
        store.loadColumns(read.keys, read.values);
      } catch (error) {
        store.clear();
        const why = (error as Error).message;
        this.#warn(`processors: ignoring the snapshot of store "${store.name}" (${path}): ${why}; replaying its changelog from the start`);
        return { store: store.name, fromOffset: 0, snapshotEntries: 0, ignoredSnapshot: why };
      }
      return { store: store.name, fromOffset: read.changelogOffset, snapshotEntries: read.keys.length };
    });
  }

  /**
   * Applies changelog records (in offset order) to a store.
   *
   * @throws {RivuletError} `not_found` for a store not open; `store_full`; `corrupt_record` for a record without a key
   */
  applyChangelog(name: string, records: ReadonlyArray<{ key: Uint8Array | null; value: Uint8Array | null }>): void {
    const store = this.#stores.get(name);
    if (!store) throw new RivuletError("not_found", `task has no store "${name}"`, { store: name });
    for (const record of records) {
      if (record.key === null) throw new RivuletError("corrupt_record", `changelog of store "${name}" holds a record without a key`, { store: name });
      store.put(record.key, record.value);
    }
  }

  /**
   * Applies a changelog's stored record batches (as a fetch returns them) to a store, skipping
   * control batches and records before `fromOffset`; values are copied into the store's value
   * column (no view into `bytes` is kept).
   * Given `aborted` (a read_committed fetch's aborted transactions), the batches of those
   * transactions are skipped too: an exactly-once app restores only committed store writes.
   *
   * @returns the records applied
   * @throws {RivuletError} `not_found` for a store not open; `store_full`; `corrupt_record` for a malformed batch or a record without a key
   */
  applyChangelogBatches(name: string, bytes: Uint8Array, fromOffset: number, aborted?: readonly AbortedTransaction[]): number {
    const store = this.#stores.get(name);
    if (!store) throw new RivuletError("not_found", `task has no store "${name}"`, { store: name });
    let applied = 0;
    const filter = aborted ? new AbortedTxnFilter(aborted) : null;
    const put: ChangelogVisitor = (offset, data, keyStart, keyEnd, valueStart, valueEnd) => {
      if (keyStart < 0) throw new RivuletError("corrupt_record", `changelog of store "${name}" holds a record without a key at offset ${offset}`, { store: name, offset });
      store.putFromBytes(data, keyStart, keyEnd, valueStart, valueEnd);
      applied++;
    };
    for (const { position, header } of iterateBatches(bytes)) {
      if (filter?.skips(bytes, position, header)) continue;
      if ((header.attributes & Attributes.control) !== 0) continue;
      forEachChangelogRecord(bytes, position, header, fromOffset, put);
    }
    return applied;
  }

  /**
   * Writes every store's snapshot.
   *
   * @param changelogOffsets per store, the next changelog offset (its end offset once the writes so far are acknowledged)
   * @returns the stores written
   * @throws {RivuletError} `storage_error`
   */
  snapshot(changelogOffsets: Readonly<Record<string, number>>): string[] {
    mkdirSync(this.stateDir, { recursive: true });
    const written: string[] = [];
    for (const store of this.#stores.values()) {
      const offset = changelogOffsets[store.name];
      if (offset === undefined) continue;
      writeSnapshot(snapshotPath(this.stateDir, store.name), offset, store);
      written.push(store.name);
    }
    return written;
  }
}
