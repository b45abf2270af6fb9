import { type Compile, type Emit, forwardTo, GraphNode } from "./graph-node.ts";
import type { Serde } from "./serde.ts";
import type { TaskContext } from "./task-context.ts";

/** Folds one record into an aggregate: `aggregate(key, value, previous)`. */
export type Aggregator<K, V, A> = (key: K, value: V, aggregate: A) => A;

/**
 * A grouped stream's running aggregate per key (count, reduce, aggregate), kept in a store:
 * key bytes → aggregate bytes. Each update is written to the store (and so the changelog) and
 * goes on as a table change (key, new aggregate). Records with a null key or value are skipped,
 * as Kafka Streams does.
 */
export class AggregateNode extends GraphNode {
  constructor(
    readonly store: string,
    readonly keySerde: Serde<any>,
    readonly valueSerde: Serde<any>,
    readonly initial: (() => unknown) | undefined,
    readonly aggregate: Aggregator<any, any, any>,
  ) {
    super();
  }

  instantiate(task: TaskContext, compile: Compile): Emit {
    const forward = forwardTo(this.children, compile);
    const store = task.store(this.store);
    const { keySerde, valueSerde, initial, aggregate } = this;
    return (key, value, timestamp) => {
      if (key === null || key === undefined || value === null || value === undefined) return;
      const keyBytes = keySerde.serialize(key);
      const previous = store.get(keyBytes);
      // Without an initializer (reduce), the first value is the aggregate.
      const next = previous !== undefined ? aggregate(key, value, valueSerde.deserialize(previous))
        : initial !== undefined ? aggregate(key, value, initial()) : value;
      task.write(store, keyBytes, valueSerde.serialize(next));
      forward(key, next, timestamp);
    };
  }
}
