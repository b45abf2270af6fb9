import type { BuildState } from "./build-state.ts";
import { PassNode } from "./graph-node.ts";
import { KStream } from "./kstream.ts";
import { defaultValueSerde, type Serde } from "./serde.ts";
import type { SessionAggregateNode } from "./session-aggregate-node.ts";
import { topologyError } from "./topology-error.ts";
import type { WindowAggregateNode } from "./window-aggregate-node.ts";
import type { Windowed } from "./windowed.ts";

/** How a windowed table's results become a stream. */
export interface EmitOptions {
  /**
   * `"final"` (default): one result per window, once it closes (end + grace ≤ stream time);
   * `"updates"`: every update of every window as it happens, none merged.
   */
  emit?: "final" | "updates";
}

/** Aggregates per key and window, in a windowed store (`storeName`). */
export class WindowedKTable<K, A> {
  readonly #state: BuildState;
  readonly #node: WindowAggregateNode | SessionAggregateNode;
  /** The store holding the windows (`app.store(storeName).get(key, { windowStart })`). */
  readonly storeName: string;
  /** @internal */
  readonly serdes: { key: Serde<K>; value: Serde<A> };
  readonly #sources: readonly string[];

  /** @internal made by windowed aggregates */
  constructor(state: BuildState, node: WindowAggregateNode | SessionAggregateNode, storeName: string, serdes: { key: Serde<K>; value: Serde<A> }, sources: readonly string[]) {
    this.#state = state;
    this.#node = node;
    this.storeName = storeName;
    this.serdes = serdes;
    this.#sources = sources;
  }

  /**
   * The results as a stream keyed by the record key, each value a {@link Windowed}:
   * `{ key, window_start, window_end, value }`, serialized as JSON unless `to` says otherwise.
   */
  toStream(options: EmitOptions = {}): KStream<K, Windowed<K, A>> {
    const emit = options.emit ?? "final";
    if (emit !== "final" && emit !== "updates") throw topologyError("invalid_option", `emit must be "final" or "updates", got ${JSON.stringify(emit)}`);
    const node = new PassNode();
    if (emit === "final") this.#node.finals.push(node);
    else this.#node.children.push(node);
    return new KStream(this.#state, node, { key: this.serdes.key, value: defaultValueSerde }, { sources: this.#sources, keyChanged: false });
  }
}
