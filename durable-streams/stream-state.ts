/**
 * One stream in memory: its metadata and, once loaded from its log, its runtime state in two
 * views.
 *
 * - Acknowledged (`tail`, `closed`): what readers, HEAD and offsets in answers see; advanced
 *   when the log acknowledges an append.
 * - Accepted (`next`, `closing`, `closedBy`, `streamSeq`, `producers`): what new appends are
 *   checked against; advanced when an append is issued to the partition actor, under the
 *   registry's lock of the path. Appends are issued in order and acknowledged in that order, so
 *   several can wait for the same coalesced fsync.
 *
 * When an issued append fails, the accepted view may be ahead of the log: the stream is marked
 * `stale` and reloaded from its log (after in-flight appends settle) before the next check.
 * Snapshots are only taken with nothing in flight, when both views agree.
 *
 * Not thread-safe: main thread only.
 */
import type { ProducerProgress } from "./producer-check.ts";
import type { ProducerMapping, StreamMeta, StreamSnapshot } from "./stream-meta.ts";

/** A stream known to the registry. */
export class StreamState {
  meta: StreamMeta;
  /** Settles once the runtime fields below reflect the log; null until first needed. */
  loading: Promise<void> | null = null;
  /** Stream offset after the last acknowledged record. */
  tail = 0;
  /** True once the closing append is acknowledged. */
  closed = false;
  /** Stream offset after the last issued record. */
  next = 0;
  /** True once a closing append is issued. */
  closing = false;
  closedBy: [string, number, number] | null = null;
  streamSeq: string | null = null;
  readonly producers = new Map<string, ProducerProgress>();
  readonly mappings: Map<string, ProducerMapping>;
  /** Settles when every issued append has settled. */
  pipeline: Promise<void> = Promise.resolve();
  /** True when an issued append failed: reload from the log before the next check. */
  stale = false;
  lastAccessMs: number;
  /** Streams created as forks of this one (they read its data). */
  forks = 0;
  /** True once deleted or expired for good; late requests then see 404. */
  gone = false;
  /** When the snapshot was last written, and whether the state changed since. */
  snapshotMs: number;
  dirty = false;

  /** @param meta the stream's metadata (its snapshot seeds the runtime fields) */
  constructor(meta: StreamMeta) {
    this.meta = meta;
    this.mappings = new Map(meta.producers);
    this.lastAccessMs = meta.snapshot.lastAccessMs;
    this.snapshotMs = meta.snapshot.lastAccessMs;
    this.applySnapshot(meta.snapshot);
  }

  /** Resets the runtime fields to a snapshot (before replaying the log past it). */
  applySnapshot(snapshot: StreamSnapshot): void {
    this.tail = this.next = this.meta.base + snapshot.upTo;
    this.closed = this.closing = snapshot.closed;
    this.closedBy = snapshot.closedBy;
    this.streamSeq = snapshot.streamSeq;
    this.producers.clear();
    for (const [id, epoch, lastSeq] of snapshot.producers) this.producers.set(id, { epoch, lastSeq });
  }

  /** The runtime fields as a snapshot; only meaningful with nothing in flight. */
  snapshot(): StreamSnapshot {
    return {
      upTo: this.tail - this.meta.base,
      closed: this.closed,
      closedBy: this.closedBy,
      streamSeq: this.streamSeq,
      producers: [...this.producers].map(([id, p]) => [id, p.epoch, p.lastSeq]),
      lastAccessMs: this.lastAccessMs,
    };
  }

  /** The metadata with the current snapshot and producer mappings, as persisted. */
  current(): StreamMeta {
    return { ...this.meta, producers: [...this.mappings], snapshot: this.snapshot() };
  }

  /** When the stream expires (ms since the epoch), or null if never. */
  expiresAtMs(): number | null {
    if (this.meta.expiresAtMs !== null) return this.meta.expiresAtMs;
    if (this.meta.ttlSeconds !== null) return this.lastAccessMs + this.meta.ttlSeconds * 1000;
    return null;
  }

  /** Records a read or write: slides the TTL. */
  touch(nowMs: number): void {
    if (nowMs <= this.lastAccessMs) return;
    this.lastAccessMs = nowMs;
    if (this.meta.ttlSeconds !== null) this.dirty = true;
  }

  /** Adds an issued append to the pipeline; its failure marks the stream stale. */
  track(append: Promise<unknown>): void {
    const settled = append.then(() => {}, () => {
      this.stale = true;
    });
    this.pipeline = Promise.all([this.pipeline, settled]).then(() => {});
  }
}
