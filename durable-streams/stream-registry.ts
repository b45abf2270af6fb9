/**
 * Every stream of this server: path → {@link StreamState}, loaded from `__ds_streams` on first
 * use. It resolves a request's stream (404 unknown, 410 soft-deleted, expiry applied), creates
 * and deletes streams and their topics, counts forks (a stream deleted or expired while forks
 * read its data is soft-deleted; the last fork's deletion removes it for good), and persists
 * snapshots. Mutations of one path run under that path's lock.
 *
 * Crash safety: metadata is the commit point. A topic is created and filled before its metadata
 * is written and deleted after its tombstone, so a crash leaves at worst an orphan `__ds.` topic,
 * which {@link StreamRegistry.open} deletes.
 *
 * Not thread-safe: main thread only.
 */
import type { BrokerApi } from "../broker/types.ts";
import type { Clock } from "../core/clock.ts";
import { isRivuletError } from "../core/errors.ts";
import { KeyedLock } from "../core/keyed-lock.ts";
import { loadStreamState } from "./load-stream-state.ts";
import { MetaStore } from "./meta-store.ts";
import { ProtocolError } from "./protocol-error.ts";
import type { StreamMeta } from "./stream-meta.ts";
import { STREAM_TOPIC_PREFIX } from "./stream-paths.ts";
import { StreamState } from "./stream-state.ts";

/** How a request uses its stream. */
export interface AccessOptions {
  /** Reads and writes slide a TTL; HEAD does not. */
  touch: boolean;
  /** True when the caller already holds the path's lock. */
  locked?: boolean;
}

/** Streams by path. */
export class StreamRegistry {
  readonly locks = new KeyedLock();
  #broker: BrokerApi;
  #clock: Clock;
  #store: MetaStore;
  #streams = new Map<string, StreamState>();
  #readBytesMax: number;
  #opening: Promise<void> | null = null;
  #dropOrphans: boolean;

  /**
   * @param options `cluster`: the streams are served by whichever broker leads `__ds_streams`
   *   now; loading then first makes sure every acknowledged metadata write is readable (see
   *   MetaStore), and never deletes a `__ds.` topic it finds no metadata for (another broker may
   *   have just created it; an orphan left by a crash stays)
   */
  constructor(broker: BrokerApi, clock: Clock, readBytesMax: number, options: { cluster?: boolean } = {}) {
    this.#broker = broker;
    this.#clock = clock;
    this.#store = new MetaStore(broker, { barrier: options.cluster });
    this.#dropOrphans = !options.cluster;
    this.#readBytesMax = readBytesMax;
  }

  /** Loads every stream's metadata once; later calls share the first. */
  open(): Promise<void> {
    this.#opening ??= this.#load().catch((error: unknown) => {
      this.#opening = null;
      throw error;
    });
    return this.#opening;
  }

  /** Every stream (for maintenance). */
  all(): StreamState[] {
    return [...this.#streams.values()];
  }

  /** The stream at `path`, soft-deleted ones included, without loading or expiring it. */
  peek(path: string): StreamState | undefined {
    return this.#streams.get(path);
  }

  /**
   * The live stream at `path`, its runtime state loaded.
   *
   * @throws {ProtocolError} 404 when there is none (or it just expired), 410 when soft-deleted
   */
  async access(path: string, options: AccessOptions): Promise<StreamState> {
    const state = this.#streams.get(path);
    if (!state || state.gone) throw new ProtocolError(404, "not_found", "no such stream");
    if (state.meta.softDeleted) throw gone();
    const now = this.#clock.now();
    if (this.isExpired(state, now)) {
      if (options.locked) await this.expire(state);
      else await this.locks.run(path, () => this.expire(state));
      if (state.meta.softDeleted && !state.gone) throw gone();
      throw new ProtocolError(404, "not_found", "no such stream");
    }
    await this.load(state);
    if (options.locked && state.stale) await this.settle(state);
    if (options.touch) state.touch(now);
    return state;
  }

  /**
   * Waits for `state`'s in-flight appends and, if one failed, reloads its state from the log,
   * so both views agree. Call under the path's lock.
   */
  async settle(state: StreamState): Promise<void> {
    await state.pipeline;
    if (!state.stale) return;
    state.stale = false;
    state.loading = null;
    await this.load(state);
  }

  /** Loads the runtime state of `state` from its log, once. */
  load(state: StreamState): Promise<void> {
    state.loading ??= loadStreamState(this.#broker, state, this.#readBytesMax).catch((error: unknown) => {
      state.loading = null;
      throw error;
    });
    return state.loading;
  }

  /** True when `state` has passed its TTL or Expires-At. */
  isExpired(state: StreamState, nowMs: number): boolean {
    const at = state.expiresAtMs();
    return at !== null && nowMs >= at && !state.meta.softDeleted;
  }

  /**
   * Registers a new stream whose topic is created and filled: persists its metadata (the commit
   * point) and counts it as a fork of its source. Call under the path's lock.
   */
  async add(meta: StreamMeta, source: StreamState | null): Promise<StreamState> {
    const state = new StreamState(meta);
    if (source) {
      if (source.gone || source.meta.topic !== meta.fork?.sourceTopic) throw new ProtocolError(404, "not_found", "the fork source is gone");
      source.forks++;
    }
    const current = state.current();
    try {
      await this.#store.write(meta.path, () => current);
    } catch (error) {
      if (source) source.forks--;
      throw error;
    }
    this.#streams.set(meta.path, state);
    return state;
  }

  /**
   * Persists `state`'s metadata and snapshot (call under the lock). The snapshot is taken once
   * nothing is in flight, so it matches the log up to its `upTo`; it also becomes the point a
   * later reload replays from.
   */
  async save(state: StreamState): Promise<void> {
    if (state.loading) await this.settle(state);
    if (state.gone) return;
    state.dirty = false;
    state.snapshotMs = this.#clock.now();
    const current = state.current();
    await this.#store.write(state.meta.path, () => (state.gone ? null : current));
    state.meta = { ...state.meta, snapshot: current.snapshot };
  }

  /** Deletes `state` (call under its path's lock): soft while forks read it, else for good. */
  async remove(state: StreamState): Promise<void> {
    await state.pipeline;
    if (state.forks > 0) {
      state.meta = { ...state.meta, softDeleted: true };
      await this.save(state);
      return;
    }
    await this.#purge(state);
  }

  /** Applies expiry to `state` (call under its path's lock). */
  async expire(state: StreamState): Promise<void> {
    if (state.gone || state.meta.softDeleted || !this.isExpired(state, this.#clock.now())) return;
    await this.remove(state);
  }

  /** Drops a topic that may already be gone. */
  async dropTopic(topic: string): Promise<void> {
    try {
      await this.#broker.deleteTopic(topic, { internal: true });
    } catch (error) {
      if (!isRivuletError(error, "unknown_topic")) throw error;
    }
  }

  async #purge(state: StreamState): Promise<void> {
    const { path, topic, fork } = state.meta;
    state.gone = true;
    if (this.#streams.get(path) === state) this.#streams.delete(path);
    await this.#store.write(path, () => null);
    await this.dropTopic(topic);
    if (!fork) return;
    const source = this.#streams.get(fork.source);
    if (!source || source.meta.topic !== fork.sourceTopic) return;
    source.forks--;
    if (source.meta.softDeleted && source.forks === 0) {
      await this.locks.run(source.meta.path, () => (source.gone || source.forks > 0 ? undefined : this.#purge(source)));
    }
  }

  async #load(): Promise<void> {
    const metas = await this.#store.load();
    const byTopic = new Map<string, StreamState>();
    for (const meta of metas.values()) {
      const state = new StreamState(meta);
      this.#streams.set(meta.path, state);
      byTopic.set(meta.topic, state);
    }
    for (const state of this.#streams.values()) {
      const source = state.meta.fork ? byTopic.get(state.meta.fork.sourceTopic) : undefined;
      if (source) source.forks++;
    }
    const topics = await this.#broker.listTopics({ internal: true });
    const orphans = this.#dropOrphans ? topics.filter((t) => t.startsWith(STREAM_TOPIC_PREFIX) && !byTopic.has(t)) : [];
    await Promise.all(orphans.map((t) => this.dropTopic(t)));
  }
}

function gone(): ProtocolError {
  return new ProtocolError(410, "gone", "the stream was deleted; forks still read its data");
}
