import { type Compile, type Emit, forwardTo, GraphNode } from "./graph-node.ts";
import type { Serde } from "./serde.ts";
import { joinKey, keyAndTime, readU64, timesAt } from "./store-keys.ts";
import type { TaskContext } from "./task-context.ts";
import { TimeHeap } from "./time-heap.ts";
import type { JoinWindows } from "./windows.ts";

/**
 * One side of a windowed stream–stream (inner) join. Each record of this side is buffered in
 * this side's store (key, timestamp, input, offset → value bytes) and joined with every record
 * of the other side's buffer whose key is equal and whose timestamp is within `differenceMs`
 * of it; results carry the later of the two timestamps. Both sides compile to the same child,
 * so results of either side go to one stream. Records with a null key or value are skipped;
 * a record with `timestamp + difference + grace < stream time` is late. Buffer entries that no
 * future on-time record can match (`timestamp + 2·difference + grace < stream time`) are
 * deleted on a tick.
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
  ) {
    super();
  }

  instantiate(task: TaskContext, compile: Compile): Emit {
    const forward = forwardTo(this.children, compile);
    const own = task.store(this.thisStore);
    const other = task.store(this.otherStore);
    const { differenceMs, graceMs } = this.windows;
    const { keySerde, thisValueSerde, otherValueSerde, joiner, isLeft } = this;
    const expiring = new TimeHeap();
    const timeOf = (storeKey: Uint8Array) => readU64(storeKey, timesAt(storeKey));
    const expireAt = (timestamp: number) => timestamp + 2 * differenceMs + graceMs + 1;

    task.starters.push(() => {
      for (const [storeKey] of own.range()) expiring.push(expireAt(timeOf(storeKey)), storeKey);
    });
    task.expirers.push(() => {
      while (expiring.peekTime() <= task.streamTime) {
        const storeKey = expiring.pop();
        if (own.get(storeKey) !== undefined) task.write(own, storeKey, null);
      }
    });

    return (key, value, timestamp) => {
      if (key === null || key === undefined || value === null || value === undefined || timestamp < 0) return;
      if (timestamp + differenceMs + graceMs < task.streamTime) { task.lateDropped++; return; }
      const keyBytes = keySerde.serialize(key);
      const storeKey = joinKey(keyBytes, timestamp, task.input, task.offset, task.seq++);
      task.write(own, storeKey, thisValueSerde.serialize(value));
      expiring.push(expireAt(timestamp), storeKey);
      const from = keyAndTime(keyBytes, Math.max(0, timestamp - differenceMs));
      const to = keyAndTime(keyBytes, timestamp + differenceMs + 1);
      for (const [otherKey, otherBytes] of other.range(from, to)) {
        const otherValue = otherValueSerde.deserialize(otherBytes);
        const joined = isLeft ? joiner(value, otherValue, key) : joiner(otherValue, value, key);
        forward(key, joined, Math.max(timestamp, timeOf(otherKey)));
      }
    };
  }
}
