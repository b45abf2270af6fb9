import { AggregateNode } from "./aggregate-node.ts";
import { FnNode, type GraphNode } from "./graph-node.ts";
import type { KStream } from "./kstream.ts";
import { KTable } from "./ktable.ts";
import { defaultValueSerde, resolveSerdes, type Serde } from "./serde.ts";
import { checkWindows, type SessionWindows, type TimeWindows } from "./windows.ts";
import { WindowedKStream } from "./windowed-kstream.ts";

/** Options of `count`, `reduce` and `aggregate`. */
export interface AggregateOptions<A> {
  /** The store's name (queryable as `app.store(name)`); generated when not given. */
  store?: string;
  /** Serde of the aggregate in the store and in results (default JSON). */
  serdes?: { value?: Serde<A> };
  /** The store's memory limit, in bytes (the runtime's default otherwise). */
  memoryLimitBytes?: number;
}

/** @internal where a grouped stream's records enter its aggregate */
export interface GroupedInput {
  node: GraphNode;
  sources: readonly string[];
}

/**
 * A stream grouped by key, ready to aggregate. Grouping by a new key (`groupBy`, or
 * `groupByKey` after `map`) repartitions through `<app>-<store>-repartition`, so all records
 * of a key meet in one task.
 *
 * @example
 * ```ts
 * t.stream("clicks").groupBy((_k, url) => url).count({ store: "clicks-per-url" });
 * ```
 */
export class KGroupedStream<K, V> {
  /** @internal */
  readonly stream: KStream<K, V>;
  /** @internal */
  readonly serdes: { key: Serde<K>; value: Serde<V> };
  /** @internal */
  readonly repartitionBy: { rekey: ((key: unknown, value: unknown) => unknown) | undefined } | undefined;

  /** @internal made by `groupByKey` and `groupBy` */
  constructor(stream: KStream<K, V>, serdes: { key: Serde<K>; value: Serde<V> }, repartitionBy: { rekey: ((key: unknown, value: unknown) => unknown) | undefined } | undefined) {
    this.stream = stream;
    this.serdes = serdes;
    this.repartitionBy = repartitionBy;
  }

  /** @internal the node aggregates hang under, repartitioning first when needed */
  input(store: string): GroupedInput {
    if (this.repartitionBy === undefined) return { node: this.stream.node, sources: this.stream.partitioning.sources };
    const rekey = this.repartitionBy.rekey;
    const from = rekey === undefined ? this.stream.node : this.stream.node.add(new FnNode((forward) => (k, v, t) => forward(rekey(k, v), v, t)));
    const source = this.stream.state.repartition(store, from, this.serdes);
    return { node: source, sources: [source.topic] };
  }

  /** Counts records per key (records with a null key or value are skipped). */
  count(options: AggregateOptions<number> = {}): KTable<K, number> {
    return this.#aggregate("count", () => 0, (_k, _v, n: number) => n + 1, options);
  }

  /** Combines values per key: the first value, then `reducer(aggregate, value)` for each next one. */
  reduce(reducer: (aggregate: V, value: V) => V, options: AggregateOptions<V> = {}): KTable<K, V> {
    return this.#aggregate("reduce", undefined, (_k, v: V, a: V) => reducer(a, v), { ...options, serdes: { value: options.serdes?.value ?? this.serdes.value } });
  }

  /** Folds values per key: `aggregator(key, value, aggregate)`, starting from `initializer()`. */
  aggregate<A>(initializer: () => A, aggregator: (key: K, value: V, aggregate: A) => A, options: AggregateOptions<A> = {}): KTable<K, A> {
    return this.#aggregate("aggregate", initializer, aggregator, options);
  }

  /** Aggregates per key and window: `windows.tumbling`, `windows.hopping` or `windows.session`. */
  windowedBy(windows: TimeWindows | SessionWindows): WindowedKStream<K, V> {
    return new WindowedKStream(this, checkWindows<TimeWindows | SessionWindows>(windows, ["time", "session"], "windowedBy"));
  }

  #aggregate<A>(kind: string, initial: (() => A) | undefined, aggregator: (key: K, value: V, aggregate: A) => A, options: AggregateOptions<A>): KTable<K, A> {
    const state = this.stream.state;
    const store = options.store ?? state.generatedName(`${kind}-store`);
    const valueSerde = resolveSerdes(options.serdes, { key: this.serdes.key, value: defaultValueSerde }, kind).value as Serde<A>;
    state.addStore({ name: store, kind: "kv", keySerde: this.serdes.key, valueSerde, options: options.memoryLimitBytes === undefined ? {} : { memoryLimitBytes: options.memoryLimitBytes } });
    const input = this.input(store);
    const node = input.node.add(new AggregateNode(store, this.serdes.key, valueSerde, initial, aggregator as (k: unknown, v: unknown, a: unknown) => unknown));
    return new KTable<K, A>(state, node, store, { key: this.serdes.key, value: valueSerde }, { sources: input.sources, keyChanged: false });
  }
}
