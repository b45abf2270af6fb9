/**
 * Timers for the group coordinator (session expiry, rebalance deadlines, the initial join
 * delay), behind a small interface so tests drive them with {@link ManualTimers} and a
 * {@link ManualClock} instead of sleeping.
 */
import type { ManualClock } from "../core/clock.ts";

/** An opaque handle returned by {@link Timers.set}. */
export type TimerHandle = { readonly id: number };

/** Schedules callbacks after a delay; `setTimeout` in production. */
export interface Timers {
  /** Runs `callback` once, `delayMs` from now. */
  set(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer; cancelling a fired or cancelled one does nothing. */
  cancel(handle: TimerHandle): void;
}

/**
 * Timers backed by the runtime's `setTimeout`.
 *
 * @example
 * ```ts
 * const handle = systemTimers.set(() => console.log("late"), 1_000);
 * systemTimers.cancel(handle);
 * ```
 */
export const systemTimers: Timers = (() => {
  const live = new Map<number, ReturnType<typeof setTimeout>>();
  let next = 0;
  return {
    set(callback, delayMs) {
      const id = ++next;
      live.set(id, setTimeout(() => {
        live.delete(id);
        callback();
      }, Math.max(0, delayMs)));
      return { id };
    },
    cancel(handle) {
      const timer = live.get(handle.id);
      if (timer === undefined) return;
      clearTimeout(timer);
      live.delete(handle.id);
    },
  };
})();

/**
 * Timers that fire only when {@link ManualTimers.advance} moves the paired clock past them,
 * in due order (ties in scheduling order). Not thread-safe; for tests.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const timers = new ManualTimers(clock);
 * timers.set(() => console.log("fired"), 500);
 * timers.advance(500); // logs "fired"; clock moved by 500
 * ```
 */
export class ManualTimers implements Timers {
  #clock: ManualClock;
  #pending = new Map<number, { dueMs: number; callback: () => void }>();
  #next = 0;

  /** @param clock the clock to move and read due times from */
  constructor(clock: ManualClock) {
    this.#clock = clock;
  }

  set(callback: () => void, delayMs: number): TimerHandle {
    const id = ++this.#next;
    this.#pending.set(id, { dueMs: this.#clock.now() + Math.max(0, delayMs), callback });
    return { id };
  }

  cancel(handle: TimerHandle): void {
    this.#pending.delete(handle.id);
  }

  /** Timers not yet fired or cancelled. */
  get size(): number {
    return this.#pending.size;
  }

  /**
   * Moves the clock forward by `ms`, stopping at each due timer to fire it, including
   * timers that firing schedules within the window.
   */
  advance(ms: number): void {
    const target = this.#clock.now() + ms;
    for (;;) {
      let dueId = -1;
      let dueMs = Infinity;
      for (const [id, timer] of this.#pending) {
        if (timer.dueMs < dueMs) [dueId, dueMs] = [id, timer.dueMs];
      }
      if (dueId < 0 || dueMs > target) break;
      const timer = this.#pending.get(dueId)!;
      this.#pending.delete(dueId);
      if (dueMs > this.#clock.now()) this.#clock.set(dueMs);
      timer.callback();
    }
    this.#clock.set(target);
  }
}
