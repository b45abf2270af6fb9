/**
 * At most one pending timer per key (a transactional id's timeout, or its next marker retry):
 * setting a key again replaces its timer. Not thread-safe: owned by one coordinator, on the
 * broker's event loop.
 */
import type { TimerHandle, Timers } from "../groups/group-timers.ts";

/**
 * One timer per key over {@link Timers}.
 *
 * @example
 * ```ts
 * const timeouts = new KeyedTimers(systemTimers);
 * timeouts.set("payments-1", () => expire("payments-1"), 60_000);
 * timeouts.cancel("payments-1");
 * ```
 */
export class KeyedTimers {
  #timers: Timers;
  #handles = new Map<string, TimerHandle>();

  constructor(timers: Timers) {
    this.#timers = timers;
  }

  /** Runs `callback` once, `delayMs` from now, cancelling the key's pending timer. */
  set(key: string, callback: () => void, delayMs: number): void {
    this.cancel(key);
    this.#handles.set(key, this.#timers.set(() => {
      this.#handles.delete(key);
      callback();
    }, delayMs));
  }

  /** Cancels the key's pending timer, if any. */
  cancel(key: string): void {
    const handle = this.#handles.get(key);
    if (handle) this.#timers.cancel(handle);
    this.#handles.delete(key);
  }

  /** Cancels every pending timer. */
  clear(): void {
    for (const handle of this.#handles.values()) this.#timers.cancel(handle);
    this.#handles.clear();
  }
}
