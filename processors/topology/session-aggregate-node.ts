import type { Aggregator } from "./aggregate-node.ts";
import { type Compile, type Emit, forwardTo, GraphNode } from "./graph-node.ts";
import type { Serde } from "./serde.ts";
import { keyAndTime, readU64, recordKeyOf, sessionKey, timeMax, timesAt, windowValue, windowValueHeader } from "./store-keys.ts";
import type { TaskContext } from "./task-context.ts";
import type { Windowed } from "./windowed.ts";
import type { SessionWindows } from "./windows.ts";
import { windowTimers } from "./window-timers.ts";

/** Combines the aggregates of two sessions a record bridges: `merge(key, earlier, later)`. */
export type Merger<K, A> = (key: K, earlier: A, later: A) => A;

/**
 * A grouped stream's aggregate per key and activity session, in a session store (layout in
 * store-keys.ts; sorted by session end, so the sessions a record can touch are one range).
 *
 * A record at `t` joins every open session of its key with `end ≥ t − gap` and `start ≤ t + gap`
 * (a closed one stays as it was emitted);
 * if it touches several, they merge into one (their aggregates folded with `merge`, oldest
 * first, then the record folded in). Merged-away sessions are deleted and, for
 * `emit: "updates"`, announced with a `null` value. A session closes when
 * `end + gap + grace < stream time`; a record whose session would already be closed is late.
 * Emission, retention and restore work as in WindowAggregateNode.
 */
export class SessionAggregateNode extends GraphNode {
  readonly finals: GraphNode[] = [];

  constructor(
    readonly store: string,
    readonly windows: SessionWindows,
    readonly retentionMs: number,
    readonly keySerde: Serde<any>,
    readonly valueSerde: Serde<any>,
    readonly initial: (() => unknown) | undefined,
    readonly aggregate: Aggregator<any, any, any>,
    readonly merge: Merger<any, any>,
  ) {
    super();
  }

  instantiate(task: TaskContext, compile: Compile): Emit {
    const updates = forwardTo(this.children, compile);
    const finals = forwardTo(this.finals, compile);
    const hasUpdates = this.children.length > 0;
    const hasFinals = this.finals.length > 0;
    const store = task.store(this.store);
    const { gapMs, graceMs } = this.windows;
    const { retentionMs, keySerde, valueSerde, initial, aggregate, merge } = this;
    const endOf = (storeKey: Uint8Array) => readU64(storeKey, timesAt(storeKey));
    const startOf = (storeKey: Uint8Array) => readU64(storeKey, timesAt(storeKey) + 8);
    // Closed once end + gap + grace < stream time, i.e. closeAt ≤ stream time.
    const closeAt = (end: number) => end + gapMs + graceMs + 1;
    const arm = windowTimers(task, store, {
      endOf,
      closeAt,
      retentionMs,
      onClose: hasFinals ? (storeKey, current) => {
        const key = keySerde.deserialize(recordKeyOf(storeKey));
        const result: Windowed<unknown, unknown> = { key, window_start: startOf(storeKey), window_end: endOf(storeKey), value: valueSerde.deserialize(current.subarray(windowValueHeader)) };
        finals(key, result, readU64(current, 1));
      } : null,
    });

    return (key, value, timestamp) => {
      if (key === null || key === undefined || value === null || value === undefined || timestamp < 0) return;
      const keyBytes = keySerde.serialize(key);
      let start = timestamp;
      let end = timestamp;
      let maxTimestamp = timestamp;
      let merged: Uint8Array[] | undefined;
      let folded: unknown;
      for (const [storeKey, current] of store.range(keyAndTime(keyBytes, Math.max(0, timestamp - gapMs)), keyAndTime(keyBytes, timeMax))) {
        const sessionStart = startOf(storeKey);
        if (sessionStart > timestamp + gapMs) break;
        if (closeAt(endOf(storeKey)) <= task.streamTime) continue;
        const aggregateOf = valueSerde.deserialize(current.subarray(windowValueHeader));
        folded = merged === undefined ? aggregateOf : merge(key, folded, aggregateOf);
        (merged ??= []).push(storeKey);
        start = Math.min(start, sessionStart);
        end = Math.max(end, endOf(storeKey));
        maxTimestamp = Math.max(maxTimestamp, readU64(current, 1));
      }
      if (closeAt(end) <= task.streamTime) { task.lateDropped++; return; }
      const next = merged !== undefined ? aggregate(key, value, folded) : initial !== undefined ? aggregate(key, value, initial()) : value;
      const storeKey = sessionKey(keyBytes, end, start);
      let existed = false;
      for (const old of merged ?? []) {
        if (old.length === storeKey.length && startOf(old) === start && endOf(old) === end) { existed = true; continue; }
        task.write(store, old, null);
        if (hasUpdates) updates(key, { key, window_start: startOf(old), window_end: endOf(old), value: null } satisfies Windowed<unknown, unknown>, maxTimestamp);
      }
      task.write(store, storeKey, windowValue(0, maxTimestamp, valueSerde.serialize(next)));
      if (!existed) arm(storeKey);
      if (hasUpdates) updates(key, { key, window_start: start, window_end: end, value: next } satisfies Windowed<unknown, unknown>, maxTimestamp);
    };
  }
}
