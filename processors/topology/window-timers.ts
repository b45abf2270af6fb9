import type { KeyValueStore } from "../task-contract.ts";
import type { TaskContext } from "./task-context.ts";
import { TimeHeap } from "./time-heap.ts";

/** How a windowed node's store keys map to time, and what a closed window does. */
export interface WindowTimerRules {
  /** The window end a store key holds. */
  endOf(storeKey: Uint8Array): number;
  /** Stream time at which a window ending at `end` closes (is final). */
  closeAt(end: number): number;
  /** How long a closed window stays in the store after its end, ms. */
  retentionMs: number;
  /** Called once per window when it closes, with its current stored value; null: no finals. */
  onClose: ((storeKey: Uint8Array, current: Uint8Array) => void) | null;
}

/**
 * The close and expiry timers of a window store (tumbling, hopping and session windows
 * alike): a window closes once stream time reaches `closeAt(end)` (its final goes out, in store
 * key order among windows closing together) and is deleted `retentionMs` after its end. The
 * heaps are in memory: the task's starter rebuilds them from the store before its first record,
 * arming a close only for windows still open, so a restored task never emits a final twice.
 *
 * Returns `arm(storeKey)`: call it when a record creates a window.
 */
export function windowTimers(task: TaskContext, store: KeyValueStore, rules: WindowTimerRules): (storeKey: Uint8Array) => void {
  const { endOf, closeAt, retentionMs, onClose } = rules;
  const closing = new TimeHeap();
  const expiring = new TimeHeap();

  task.starters.push(() => {
    for (const [storeKey] of store.range()) {
      const end = endOf(storeKey);
      expiring.push(end + retentionMs, storeKey);
      if (onClose && closeAt(end) > task.streamTime) closing.push(closeAt(end), storeKey);
    }
  });
  if (onClose) {
    task.closers.push(() => {
      while (closing.peekTime() <= task.streamTime) {
        const storeKey = closing.pop();
        const current = store.get(storeKey);
        if (current !== undefined) onClose(storeKey, current);
      }
    });
  }
  task.expirers.push(() => {
    while (expiring.peekTime() <= task.streamTime) {
      const storeKey = expiring.pop();
      if (store.get(storeKey) !== undefined) task.write(store, storeKey, null);
    }
  });

  return (storeKey) => {
    const end = endOf(storeKey);
    expiring.push(end + retentionMs, storeKey);
    if (onClose) closing.push(closeAt(end), storeKey);
  };
}
