/**
 * `flush=interval`'s periodic fdatasync: every `flush.ms` the log's active segment is synced on
 * the runtime's I/O pool, one sync at a time (a tick while one runs is skipped), while the log's
 * owner goes on appending and reading. A synchronous fdatasync stalled every append and read of
 * the partition for its whole duration (3-30 ms on the benchmark machine), the tail of the
 * produce → SSE latency; under `interval` appends are visible at once, so nothing waits on it.
 *
 * Not thread-safe: owned by one log, so by one partition actor.
 */
import { clearInterval, setInterval } from "node:timers";
import type { TopicConfig } from "../core/topic-config.ts";

/** What an {@link IntervalSync} syncs, and whom it tells. */
export interface IntervalSyncTarget {
  /** False when no sync may run (the log is closed or failed). */
  canSync(): boolean;
  /** Makes what is written so far durable, off this thread. */
  syncInBackground(): Promise<void>;
  /** A sync failed: it may have lost pages. */
  onSyncFailed(error: unknown): void;
}

export class IntervalSync {
  #target: IntervalSyncTarget;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(target: IntervalSyncTarget) {
    this.#target = target;
  }

  /** Syncs every `flush.ms` when `config.flush` is `interval`, else not at all (replacing any earlier timer). */
  configure(config: TopicConfig): void {
    this.stop();
    if (config.flush !== "interval") return;
    const target = this.#target;
    let syncing = false;
    this.#timer = setInterval(() => {
      if (!target.canSync() || syncing) return;
      syncing = true;
      target.syncInBackground().then(
        () => (syncing = false),
        (error: unknown) => {
          syncing = false;
          target.onSyncFailed(error);
        },
      );
    }, config["flush.ms"]);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
