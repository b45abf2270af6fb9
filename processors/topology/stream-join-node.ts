import { type Compile, type Emit, forwardTo, GraphNode } from "./graph-node.ts";
import type { Serde } from "./serde.ts";
import { joinKey, keyAndTime, readU64, timesAt } from "./store-keys.ts";
import type { TaskContext } from "./task-context.ts";
import { TimeHeap } from "./time-heap.ts";
import type { JoinWindows } from "./windows.ts";

/** Set in a join buffer value's flags once the record joined a record of the other side. */
export const matchedFlag = 1;

/** How one side of a stream–stream join treats records without a match. */
export interface JoinSideRole {
  /** This side is the left of a `leftJoin`: a record still unmatched when no on-time record can match it any more goes on with `null`. */
  keepsUnmatched: boolean;
  /** The other side keeps unmatched records: mark them matched when this side joins them. */
  marksOther: boolean;
}

/**
 * One side of a windowed stream–stream join. Each record of this side is buffered in this
 * side's store (key, timestamp, input, offset, seq → flags, value bytes) and joined with every
 * record of the other side's buffer whose key is equal and whose timestamp is within
 * `differenceMs` of it; results carry the later of the two timestamps. Both sides compile to
 * the same child. Records with a null key or value are skipped; a record with
 * `timestamp + difference + grace < stream time` is late.
 *
 * A buffered record can match no on-time record once `timestamp + 2·difference + grace <
 * stream time`. Then it goes: for the left side of a `leftJoin`, at once after the record that
 * advanced stream time (emitting `joiner(value, null)` if it never matched, so results do not
 * depend on ticks); otherwise on the next tick.
 */
export class StreamJoinSideNode extends GraphNode {
  constructor(
    readonly thisStore: string,
    readonly otherStore: string,
    readonly windows: JoinWindows,
    readonly keySerde: Serde<any>,
    readonly thisValueSerde: Serde<any>,
    readonly otherValueSerde: Serde<any>,
    /** `joiner(leftValue, rightValue, key)`, called with this side's value first when `isLeft`. */
    readonly joiner: (left: any, right: any, key: any) => unknown,
    readonly isLeft: boolean,
    readonly role: JoinSideRole = { keepsUnmatched: false, marksOther: false },
  ) {
    super();
  }

  instantiate(task: TaskContext, compile: Compile): Emit {
    const forward = forwardTo(this.children, compile);
    const own = task.store(this.thisStore);
    const other = task.store(this.otherStore);
    const { differenceMs, graceMs } = this.windows;
    const { keySerde, thisValueSerde, otherValueSerde, joiner, isLeft } = this;
    const { keepsUnmatched, marksOther } = this.role;
    const done = new TimeHeap();
    const timeOf = (storeKey: Uint8Array) => readU64(storeKey, timesAt(storeKey));
    const doneAt = (timestamp: number) => timestamp + 2 * differenceMs + graceMs + 1;

    task.starters.push(() => {
      for (const [storeKey] of own.range()) done.push(doneAt(timeOf(storeKey)), storeKey);
    });
    const finish = () => {
      while (done.peekTime() <= task.streamTime) {
        const storeKey = done.pop();
        const entry = own.get(storeKey);
        if (entry === undefined) continue;
        task.write(own, storeKey, null);
        if (keepsUnmatched && (entry[0] & matchedFlag) === 0) {
          const key = keySerde.deserialize(storeKey.subarray(4, timesAt(storeKey)));
          forward(key, joiner(thisValueSerde.deserialize(entry.subarray(1)), null, key), timeOf(storeKey));
        }
      }
    };
    if (keepsUnmatched) task.closers.push(finish);
    else task.expirers.push(finish);

    return (key, value, timestamp) => {
      if (key === null || key === undefined || value === null || value === undefined || timestamp < 0) return;
      if (timestamp + differenceMs + graceMs < task.streamTime) { task.lateDropped++; return; }
      const keyBytes = keySerde.serialize(key);
      const storeKey = joinKey(keyBytes, timestamp, task.input, task.offset, task.seq++);
      const valueBytes = thisValueSerde.serialize(value);
      let matched = false;
      const from = keyAndTime(keyBytes, Math.max(0, timestamp - differenceMs));
      const to = keyAndTime(keyBytes, timestamp + differenceMs + 1);
      for (const [otherKey, otherEntry] of other.range(from, to)) {
        matched = true;
        const otherValue = otherValueSerde.deserialize(otherEntry.subarray(1));
        const joined = isLeft ? joiner(value, otherValue, key) : joiner(otherValue, value, key);
        forward(key, joined, Math.max(timestamp, timeOf(otherKey)));
        if (marksOther && (otherEntry[0] & matchedFlag) === 0) {
          const marked = otherEntry.slice();
          marked[0] |= matchedFlag;
          task.write(other, otherKey, marked);
        }
      }
      const entry = new Uint8Array(1 + valueBytes.length);
      entry[0] = matched ? matchedFlag : 0;
      entry.set(valueBytes, 1);
      task.write(own, storeKey, entry);
      done.push(doneAt(timestamp), storeKey);
    };
  }
}
