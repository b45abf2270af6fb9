import type { BuildState, Partitioning } from "./build-state.ts";
import { type GraphNode, PassNode } from "./graph-node.ts";
import { KStream } from "./kstream.ts";
import type { Serde } from "./serde.ts";

/**
 * A table: the latest value per key, kept in a store (`storeName`), from `t.table(topic)` or
 * an aggregate. Streams join it by key; `toStream()` turns its changes into a stream.
 */
export class KTable<K, V> {
  /** @internal */
  readonly state: BuildState;
  /** @internal the node whose output is the table's changes: (key, new value or null) */
  readonly node: GraphNode;
  /** The store holding the table (`app.store(storeName)`). */
  readonly storeName: string;
  /** @internal */
  readonly serdes: { key: Serde<K>; value: Serde<V> };
  /** @internal */
  readonly partitioning: Partitioning;

  /** @internal made by `t.table` and aggregates */
  constructor(state: BuildState, node: GraphNode, storeName: string, serdes: { key: Serde<K>; value: Serde<V> }, partitioning: Partitioning) {
    this.state = state;
    this.node = node;
    this.storeName = storeName;
    this.serdes = serdes;
    this.partitioning = partitioning;
  }

  /** Every change of the table as a record: the key and its new value (`null` for a deletion). */
  toStream(): KStream<K, V> {
    const node = this.node.add(new PassNode());
    return new KStream(this.state, node, this.serdes, this.partitioning);
  }
}
