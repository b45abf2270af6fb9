import type { Aggregator } from "./aggregate-node.ts";
import { type Compile, type Emit, forwardTo, GraphNode } from "./graph-node.ts";
import type { Serde } from "./serde.ts";
import { keyAndTime, readU64, recordKeyOf, timesAt, windowValue, windowValueHeader } from "./store-keys.ts";
import type { TaskContext } from "./task-context.ts";
import type { Windowed } from "./windowed.ts";
import type { TimeWindows } from "./windows.ts";
import { windowTimers } from "./window-timers.ts";

/**
 * A grouped stream's aggregate per key and time window (tumbling or hopping), in a window
 * store (layout in store-keys.ts). A record updates every window that contains its timestamp
 * and is still open; windows already closed (`end + grace ≤ stream time`) are skipped, and a
 * record that missed any window counts once as late.
 *
 * Emission: `children` get every update (`emit: "updates"`); `finals` get each window once,
 * right after the record whose timestamp closes it (`emit: "final"`). Stream time survives a
 * restore (stream-time.ts), so "closed" and "emitted" are one fact: a restored task re-arms
 * only the windows still open, and never emits one twice. Closed windows stay in the store for
 * `retentionMs` after their end, then a tick deletes them. Timers: window-timers.ts.
 */
export class WindowAggregateNode extends GraphNode {
  readonly finals: GraphNode[] = [];

  constructor(
    readonly store: string,
    readonly windows: TimeWindows,
    readonly retentionMs: number,
    readonly keySerde: Serde<any>,
    readonly valueSerde: Serde<any>,
    readonly initial: (() => unknown) | undefined,
    readonly aggregate: Aggregator<any, any, any>,
  ) {
    super();
  }

  instantiate(task: TaskContext, compile: Compile): Emit {
    const updates = forwardTo(this.children, compile);
    const finals = forwardTo(this.finals, compile);
    const hasUpdates = this.children.length > 0;
    const hasFinals = this.finals.length > 0;
    const store = task.store(this.store);
    const { sizeMs, advanceMs, graceMs } = this.windows;
    const { retentionMs, keySerde, valueSerde, initial, aggregate } = this;
    const arm = windowTimers(task, store, {
      endOf: (storeKey) => readU64(storeKey, timesAt(storeKey)) + sizeMs,
      closeAt: (end) => end + graceMs,
      retentionMs,
      onClose: hasFinals ? (storeKey, current) => {
        const start = readU64(storeKey, timesAt(storeKey));
        const key = keySerde.deserialize(recordKeyOf(storeKey));
        const result: Windowed<unknown, unknown> = { key, window_start: start, window_end: start + sizeMs, value: valueSerde.deserialize(current.subarray(windowValueHeader)) };
        finals(key, result, readU64(current, 1));
      } : null,
    });

    return (key, value, timestamp) => {
      if (key === null || key === undefined || value === null || value === undefined || timestamp < 0) return;
      const keyBytes = keySerde.serialize(key);
      const lastStart = timestamp - (timestamp % advanceMs);
      let start = lastStart;
      while (start - advanceMs > timestamp - sizeMs && start - advanceMs >= 0) start -= advanceMs;
      let late = false;
      for (; start <= lastStart; start += advanceMs) {
        const end = start + sizeMs;
        if (end + graceMs <= task.streamTime) { late = true; continue; }
        const storeKey = keyAndTime(keyBytes, start);
        const current = store.get(storeKey);
        const next = current !== undefined ? aggregate(key, value, valueSerde.deserialize(current.subarray(windowValueHeader)))
          : initial !== undefined ? aggregate(key, value, initial()) : value;
        const maxTimestamp = current !== undefined ? Math.max(readU64(current, 1), timestamp) : timestamp;
        task.write(store, storeKey, windowValue(0, maxTimestamp, valueSerde.serialize(next)));
        if (current === undefined) arm(storeKey);
        if (hasUpdates) updates(key, { key, window_start: start, window_end: end, value: next } satisfies Windowed<unknown, unknown>, maxTimestamp);
      }
      if (late) task.lateDropped++;
    };
  }
}
