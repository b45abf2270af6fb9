import { setImmediate } from "node:timers";

/** An append waiting for the fdatasync that covers it. */
interface Waiter<T> {
  value: T;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * Coalesces fdatasyncs for `flush=always` (what databases call group commit; nothing to do with
 * consumer groups): appends made before the next flush share one fdatasync.
 * The first waiter schedules a flush with `setImmediate`, so every append issued in the same
 * burst (the current macrotask and its microtasks) joins it; waiters that arrive while a flush
 * runs wait for the next one.
 *
 * Not thread-safe: owned by one partition actor.
 */
export class SyncCoalescer<T> {
  #waiters: Waiter<T>[] = [];
  #scheduled = false;
  #flush: () => void;

  /** @param flush makes every write so far durable; throws when it cannot */
  constructor(flush: () => void) {
    this.#flush = flush;
  }

  /** Waiters not yet flushed. */
  get pending(): number {
    return this.#waiters.length;
  }

  /** Resolves with `value` once a flush after this call succeeds. */
  wait(value: T): Promise<T> {
    const promise = new Promise<T>((resolve, reject) => this.#waiters.push({ value, resolve, reject }));
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flushNow());
    }
    return promise;
  }

  /** Flushes now and settles every waiter. */
  flushNow(): void {
    this.#scheduled = false;
    const waiters = this.#waiters;
    if (waiters.length === 0) return;
    this.#waiters = [];
    try {
      this.#flush();
    } catch (error) {
      for (const w of waiters) w.reject(error);
      return;
    }
    for (const w of waiters) w.resolve(w.value);
  }

  /** Rejects every waiter with `error` (the log is closing or failed). */
  failAll(error: unknown): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(error);
  }
}
