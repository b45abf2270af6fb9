import type { ChangelogWrite, KeyValueStore, OutputRecord, TaskResult } from "../task-contract.ts";
import type { StoreOptions } from "./store-options.ts";

/**
 * The state one compiled task shares among its processor nodes: stream time, the records and
 * changelog writes of the call in progress, the late-record count, the stores, and the hooks
 * windowed nodes register (closing windows after a record, expiring them on a tick).
 * Not thread-safe: a task runs on one thread at a time.
 */
export class TaskContext {
  readonly partition: number;
  /** The largest record timestamp this task has seen (-Infinity before the first). */
  streamTime = -Infinity;
  outputs: OutputRecord[] = [];
  changelog: ChangelogWrite[] = [];
  lateDropped = 0;
  /** Index (in the topology's sources) of the input topic of the record in progress. */
  input = 0;
  /** Offset of the record in progress. */
  offset = 0;
  /** Counts join-buffer writes of the record in progress (a flatMap can make several). */
  seq = 0;
  /** Run once, before the first record or tick: rebuild in-memory indexes from restored stores. */
  readonly starters: (() => void)[] = [];
  /** Run after a record that advanced stream time: emit windows that closed. */
  readonly closers: (() => void)[] = [];
  /** Run on a tick: drop windows and join entries past retention. */
  readonly expirers: (() => void)[] = [];
  /** Partition count of a repartition topic, when the runtime told us. */
  readonly partitionsOf: ((topic: string) => number | undefined) | undefined;
  #openStore: (name: string, options: StoreOptions) => KeyValueStore;
  #storeOptions: (name: string) => StoreOptions;
  #stores = new Map<string, KeyValueStore>();
  #started = false;

  constructor(
    partition: number,
    openStore: (name: string, options: StoreOptions) => KeyValueStore,
    storeOptions: (name: string) => StoreOptions,
    partitionsOf?: (topic: string) => number | undefined,
  ) {
    this.partition = partition;
    this.#openStore = openStore;
    this.#storeOptions = storeOptions;
    this.partitionsOf = partitionsOf;
  }

  /** The task's store `name`, opened once. */
  store(name: string): KeyValueStore {
    let store = this.#stores.get(name);
    if (store === undefined) {
      store = this.#openStore(name, this.#storeOptions(name));
      this.#stores.set(name, store);
    }
    return store;
  }

  /** Writes a store entry (`null` deletes) and logs it for the changelog. */
  write(store: KeyValueStore, key: Uint8Array, value: Uint8Array | null): void {
    store.put(key, value);
    this.changelog.push({ store: store.name, key, value });
  }

  /** Starts a call: runs the starters the first time. */
  begin(): void {
    if (this.#started) return;
    this.#started = true;
    for (const start of this.starters) start();
  }

  /** Ends a call: hands over what it produced and starts fresh lists. */
  finish(): TaskResult {
    const result = { outputs: this.outputs, changelog: this.changelog, lateDropped: this.lateDropped };
    this.outputs = [];
    this.changelog = [];
    this.lateDropped = 0;
    return result;
  }
}
