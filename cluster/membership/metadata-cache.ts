/**
 * Every broker's copy of the cluster metadata in etcd: live brokers (with their epochs), the
 * controller (with its epoch), topics and partition states. It is loaded with a range read of
 * `/<c>/` at one revision R (paged, every page read at R so the copy is one consistent
 * snapshot), then kept current by a watch from R + 1. When the watch's resume revision has
 * been compacted away (the broker was cut off while etcd compacted), the cache reloads the same
 * way and replaces its contents at once. A restarted broker simply builds a new cache.
 *
 * Entries carry the mod_revision of their key, so a controller can compare-and-set on what it
 * read. Values that fail their checks are left out and listed in {@link MetadataCache.invalid}.
 * Keys of kinds this version does not know are ignored.
 *
 * Concurrency: single-threaded; readers see the state after whole watch batches (one etcd
 * revision at a time), never half a txn.
 */
import { isRivuletError, RivuletError } from "../../core/errors.ts";
import { defaultLimits, type Limits } from "../../core/limits.ts";
import { bytesText } from "../etcd/etcd-bytes.ts";
import type { EtcdClient } from "../etcd/etcd-client.ts";
import type { KeyValue, WatchBatch } from "../etcd/etcd-types.ts";
import { ClusterKeys } from "./cluster-keys.ts";
import {
  type BrokerInfo,
  type PartitionState,
  type TopicRecord,
  parseBrokerInfo,
  parseControllerInfo,
  parsePartitionState,
  parseTopicRecord,
} from "./metadata-records.ts";

/** A live broker: its registration and epoch. */
export interface LiveBroker extends BrokerInfo {
  /** Broker epoch: its key's create_revision. */
  epoch: number;
}

/** The elected controller. */
export interface CurrentController {
  broker_id: number;
  /** Controller epoch: the controller key's create_revision. */
  epoch: number;
}

/** A value as read, with its key's mod_revision (for compare-and-set). */
export type Versioned<T> = T & { mod_revision: number };

/** What changed, as listeners hear it. */
export interface MetadataChange {
  /** The revision the cache is now at. */
  revision: number;
  /** True when the whole cache was (re)loaded rather than changed by events. */
  reload: boolean;
  /** The keys that changed (empty on a reload). */
  keys: string[];
}

/** How to build a cache. */
export interface MetadataCacheOptions {
  cluster?: string;
  limits?: Partial<Pick<Limits, "etcdRangePageKeysMax" | "etcdRetryBackoffMinMs" | "etcdRetryBackoffMaxMs">>;
}

interface State {
  brokers: Map<number, LiveBroker>;
  controller: CurrentController | null;
  topics: Map<string, Versioned<TopicRecord>>;
  partitions: Map<string, Map<number, Versioned<PartitionState>>>;
  invalid: Map<string, number>;
}

const emptyState = (): State => ({ brokers: new Map(), controller: null, topics: new Map(), partitions: new Map(), invalid: new Map() });

/**
 * The cluster metadata, cached from etcd.
 *
 * @example
 * ```ts
 * const cache = new MetadataCache(etcd, { cluster: "default" });
 * await cache.start();
 * cache.partition("orders", 0); // { leader: 1, leader_epoch: 4, isr: [1, 2, 3], mod_revision: 812 }
 * ```
 */
export class MetadataCache {
  readonly #client: EtcdClient;
  readonly #limits: Pick<Limits, "etcdRangePageKeysMax" | "etcdRetryBackoffMinMs" | "etcdRetryBackoffMaxMs">;
  readonly #listeners = new Set<(change: MetadataChange) => void>();
  readonly #stop = new AbortController();
  readonly keys: ClusterKeys;
  #state: State = emptyState();
  #revision = 0;
  #loads = 0;
  #running: Promise<void> | null = null;

  constructor(client: EtcdClient, options: MetadataCacheOptions = {}) {
    this.#client = client;
    this.keys = new ClusterKeys(options.cluster ?? "default");
    this.#limits = { ...defaultLimits, ...options.limits };
  }

  /**
   * Loads the metadata, then keeps it current in the background until {@link close}.
   *
   * @throws {RivuletError} when the first load fails
   */
  async start(): Promise<void> {
    if (this.#running) return;
    await this.#load();
    this.#running = this.#follow();
  }

  /** Stops following etcd; the cached contents stay readable. */
  async close(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  /** The etcd revision the cache reflects. */
  get revision(): number {
    return this.#revision;
  }

  /** How many full loads were made (1 after start; more after compactions). */
  get loads(): number {
    return this.#loads;
  }

  broker(id: number): LiveBroker | undefined {
    return this.#state.brokers.get(id);
  }

  /** Live brokers by id, in id order. */
  brokers(): LiveBroker[] {
    return [...this.#state.brokers.values()].sort((a, b) => a.id - b.id);
  }

  controller(): CurrentController | null {
    return this.#state.controller;
  }

  topic(name: string): Versioned<TopicRecord> | undefined {
    return this.#state.topics.get(name);
  }

  /** Topics in name order. */
  topics(): Versioned<TopicRecord>[] {
    return [...this.#state.topics.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  partition(topic: string, partition: number): Versioned<PartitionState> | undefined {
    return this.#state.partitions.get(topic)?.get(partition);
  }

  /** A topic's partition states by partition number. */
  partitions(topic: string): Map<number, Versioned<PartitionState>> {
    return new Map(this.#state.partitions.get(topic) ?? []);
  }

  /** Keys whose values failed their checks, with their mod_revision. */
  invalid(): Map<string, number> {
    return new Map(this.#state.invalid);
  }

  /**
   * Calls `listener` after every change.
   *
   * @returns a function that removes it
   */
  onChange(listener: (change: MetadataChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Resolves once the cache reflects `revision` (e.g. the revision of a write just made).
   * The cache advances with changes under its prefix, so wait only for revisions of such writes.
   */
  waitForRevision(revision: number, signal?: AbortSignal): Promise<void> {
    if (this.#revision >= revision) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        off();
        reject(new RivuletError("closed", "stopped waiting for the metadata cache"));
      };
      const off = this.onChange((change) => {
        if (change.revision < revision) return;
        off();
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Reads the whole prefix at one revision and replaces the contents. */
  async #load(): Promise<void> {
    for (;;) {
      try {
        const state = emptyState();
        let revision = 0;
        let from = this.keys.prefix;
        for (;;) {
          const page = await this.#client.range(
            { key: from, rangeEnd: this.keys.prefixEnd, limit: this.#limits.etcdRangePageKeysMax, revision },
            { signal: this.#stop.signal },
          );
          if (revision === 0) revision = page.header.revision;
          for (const kv of page.kvs) apply(this.keys, state, kv);
          if (!page.more || page.kvs.length === 0) break;
          from = `${page.kvs[page.kvs.length - 1].key}\u0000`;
        }
        this.#state = state;
        this.#revision = revision;
        this.#loads++;
        this.#emit({ revision, reload: true, keys: [] });
        return;
      } catch (error) {
        // The snapshot revision was compacted while paging: start over at the latest.
        if (!isRivuletError(error, "revision_compacted")) throw error;
      }
    }
  }

  /** Follows the watch; reloads after a compaction; retries a failed reload with backoff. */
  async #follow(): Promise<void> {
    const signal = this.#stop.signal;
    let backoff = 0;
    let reload = false;
    while (!signal.aborted) {
      try {
        if (reload) await this.#load();
        reload = false;
        backoff = 0;
        const watch = this.#client.watch({ key: this.keys.prefix, prefix: true, startRevision: this.#revision + 1, signal });
        for await (const batch of watch) this.#applyBatch(batch);
      } catch (error) {
        if (signal.aborted) return;
        reload = true;
        if (isRivuletError(error, "revision_compacted")) continue;
        backoff = Math.min(Math.max(backoff * 2, this.#limits.etcdRetryBackoffMinMs), this.#limits.etcdRetryBackoffMaxMs);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, backoff);
          signal.addEventListener("abort", done, { once: true });
          function done() {
            clearTimeout(timer);
            resolve();
          }
        });
      }
    }
  }

  #applyBatch(batch: WatchBatch): void {
    const keys: string[] = [];
    for (const event of batch.events) {
      keys.push(event.kv.key);
      if (event.type === "delete") remove(this.keys, this.#state, event.kv.key);
      else apply(this.keys, this.#state, event.kv);
    }
    this.#revision = Math.max(this.#revision, batch.revision);
    this.#emit({ revision: this.#revision, reload: false, keys });
  }

  #emit(change: MetadataChange): void {
    for (const listener of [...this.#listeners]) listener(change);
  }
}

/** Puts one stored key into `state` (or lists it as invalid). */
function apply(keys: ClusterKeys, state: State, kv: KeyValue): void {
  const kind = keys.parse(kv.key);
  if (!kind) return;
  remove(keys, state, kv.key);
  const text = bytesText(kv.value);
  switch (kind.kind) {
    case "broker": {
      const info = parseBrokerInfo(text);
      if (info && info.id === kind.brokerId) return void state.brokers.set(info.id, { ...info, epoch: kv.createRevision });
      break;
    }
    case "controller": {
      const info = parseControllerInfo(text);
      if (info) return void (state.controller = { broker_id: info.broker_id, epoch: kv.createRevision });
      break;
    }
    case "topic": {
      const topic = parseTopicRecord(text);
      if (topic && topic.name === kind.topic) return void state.topics.set(topic.name, { ...topic, mod_revision: kv.modRevision });
      break;
    }
    case "partition": {
      const partition = parsePartitionState(text);
      if (partition) {
        let byNumber = state.partitions.get(kind.topic);
        if (!byNumber) state.partitions.set(kind.topic, (byNumber = new Map()));
        return void byNumber.set(kind.partition, { ...partition, mod_revision: kv.modRevision });
      }
      break;
    }
  }
  state.invalid.set(kv.key, kv.modRevision);
}

/** Takes one key out of `state`. */
function remove(keys: ClusterKeys, state: State, key: string): void {
  state.invalid.delete(key);
  const kind = keys.parse(key);
  if (!kind) return;
  switch (kind.kind) {
    case "broker":
      state.brokers.delete(kind.brokerId);
      return;
    case "controller":
      state.controller = null;
      return;
    case "topic":
      state.topics.delete(kind.topic);
      return;
    case "partition": {
      const byNumber = state.partitions.get(kind.topic);
      byNumber?.delete(kind.partition);
      if (byNumber?.size === 0) state.partitions.delete(kind.topic);
      return;
    }
  }
}
