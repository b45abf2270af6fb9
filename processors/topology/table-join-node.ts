import { type Compile, type Emit, forwardTo, GraphNode } from "./graph-node.ts";
import type { Serde } from "./serde.ts";
import type { TaskContext } from "./task-context.ts";

/** Combines a stream record's value with the table's value for its key (`null` when absent, in a left join). */
export type ValueJoiner<V, T, R> = (streamValue: V, tableValue: T, key: any) => R;

/**
 * Stream–table join: each stream record looks its key up in the table's store as it stands
 * when the record is processed (table updates processed earlier are seen; later ones are not).
 * Inner join drops records without a match or key; left join calls the joiner with `null`.
 */
export class TableJoinNode extends GraphNode {
  constructor(
    readonly store: string,
    readonly tableKeySerde: Serde<any>,
    readonly tableValueSerde: Serde<any>,
    readonly joiner: ValueJoiner<any, any, any>,
    readonly left: boolean,
  ) {
    super();
  }

  instantiate(task: TaskContext, compile: Compile): Emit {
    const forward = forwardTo(this.children, compile);
    const store = task.store(this.store);
    const { tableKeySerde, tableValueSerde, joiner, left } = this;
    return (key, value, timestamp) => {
      const found = key === null || key === undefined ? undefined : store.get(tableKeySerde.serialize(key));
      if (found === undefined) {
        if (left && key !== null && key !== undefined) forward(key, joiner(value, null, key), timestamp);
        return;
      }
      forward(key, joiner(value, tableValueSerde.deserialize(found), key), timestamp);
    };
  }
}
