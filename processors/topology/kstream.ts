import { BranchNode } from "./branch-node.ts";
import type { BuildState, Partitioning } from "./build-state.ts";
import { FnNode, type GraphNode, PassNode } from "./graph-node.ts";
import { KGroupedStream } from "./kgrouped-stream.ts";
import type { KTable } from "./ktable.ts";
import { defaultValueSerde, resolveSerdes, type Serde, type Serdes } from "./serde.ts";
import { SinkNode } from "./sink-node.ts";
import { StreamJoinSideNode } from "./stream-join-node.ts";
import { TableJoinNode } from "./table-join-node.ts";
import { topologyError } from "./topology-error.ts";
import { checkWindows, type JoinWindows } from "./windows.ts";

/** A record as `map` and `flatMap` return it. */
export interface KeyValue<K, V> {
  key: K;
  value: V;
}

/** Options of a stream–stream join. */
export interface StreamJoinOptions {
  /** Names the join's two buffer stores `<name>-left` and `<name>-right` (generated otherwise). */
  name?: string;
  /** Serdes of the two sides' values in the buffers (default: each stream's value serde). */
  leftValue?: Serde<any>;
  rightValue?: Serde<any>;
}

/**
 * An unbounded stream of records, built by `t.stream(...)` and its operators. Operators build
 * the topology; they run later, once per record, in each task.
 *
 * Serdes travel with the stream: an operator that keeps values keeps their serde, one that may
 * change them (`mapValues`, `map`, `flatMap`, joins) switches values to JSON unless given
 * serdes; keys keep their serde. `to`, `selectKey` and `groupBy` accept serdes to override.
 *
 * @example
 * ```ts
 * topology("orders-app", (t) => {
 *   const orders = t.stream("orders", { value: serde.json<{ total: number; country: string }>() });
 *   const [big, small] = orders.branch((_k, o) => o.total >= 100, () => true);
 *   big.mapValues((o) => ({ ...o, flagged: true })).to("big-orders");
 *   small.selectKey((_k, o) => o.country).groupByKey().count({ store: "small-per-country" });
 * });
 * ```
 */
export class KStream<K, V> {
  /** @internal */
  readonly state: BuildState;
  /** @internal the node whose output is this stream */
  readonly node: GraphNode;
  /** @internal */
  readonly serdes: { key: Serde<K>; value: Serde<V> };
  /** @internal */
  readonly partitioning: Partitioning;

  /** @internal streams are made by `t.stream` and operators */
  constructor(state: BuildState, node: GraphNode, serdes: { key: Serde<K>; value: Serde<V> }, partitioning: Partitioning) {
    this.state = state;
    this.node = node;
    this.serdes = serdes;
    this.partitioning = partitioning;
  }

  #derive<K2, V2>(node: GraphNode, serdes: { key: Serde<K2>; value: Serde<V2> }, keyChanged = this.partitioning.keyChanged): KStream<K2, V2> {
    this.node.add(node);
    return new KStream(this.state, node, serdes, { sources: this.partitioning.sources, keyChanged });
  }

  /** Keeps the records for which `predicate(key, value)` is true. */
  filter(predicate: (key: K, value: V) => boolean): KStream<K, V> {
    return this.#derive(new FnNode((forward) => (k, v, t) => { if (predicate(k, v)) forward(k, v, t); }), this.serdes);
  }

  /** Drops the records for which `predicate(key, value)` is true. */
  filterNot(predicate: (key: K, value: V) => boolean): KStream<K, V> {
    return this.filter((k, v) => !predicate(k, v));
  }

  /** Replaces each value by `mapper(value, key)`; the key (and so the partition) stays. */
  mapValues<V2>(mapper: (value: V, key: K) => V2, serdes?: { value?: Serde<V2> }): KStream<K, V2> {
    const value = resolveSerdes(serdes, { key: this.serdes.key, value: defaultValueSerde }, "mapValues").value as Serde<V2>;
    return this.#derive(new FnNode((forward) => (k, v, t) => forward(k, mapper(v, k), t)), { key: this.serdes.key, value });
  }

  /** Replaces each record by `mapper(key, value)`. A new key means the stream needs repartitioning before grouping or joining. */
  map<K2, V2>(mapper: (key: K, value: V) => KeyValue<K2, V2>, serdes?: Serdes<K2, V2>): KStream<K2, V2> {
    const resolved = resolveSerdes<K2, V2>(serdes, { key: this.serdes.key, value: defaultValueSerde }, "map");
    return this.#derive(new FnNode((forward) => (k, v, t) => { const r = mapper(k, v); forward(r.key, r.value, t); }), resolved, true);
  }

  /** Replaces each record by the records `mapper(key, value)` returns (an array of `{ key, value }`). */
  flatMap<K2, V2>(mapper: (key: K, value: V) => Iterable<KeyValue<K2, V2>>, serdes?: Serdes<K2, V2>): KStream<K2, V2> {
    const resolved = resolveSerdes<K2, V2>(serdes, { key: this.serdes.key, value: defaultValueSerde }, "flatMap");
    return this.#derive(new FnNode((forward) => (k, v, t) => { for (const r of mapper(k, v)) forward(r.key, r.value, t); }), resolved, true);
  }

  /** Replaces each record by one record per value `mapper(value, key)` returns, with the same key. */
  flatMapValues<V2>(mapper: (value: V, key: K) => Iterable<V2>, serdes?: { value?: Serde<V2> }): KStream<K, V2> {
    const value = resolveSerdes(serdes, { key: this.serdes.key, value: defaultValueSerde }, "flatMapValues").value as Serde<V2>;
    return this.#derive(new FnNode((forward) => (k, v, t) => { for (const v2 of mapper(v, k)) forward(k, v2, t); }), { key: this.serdes.key, value });
  }

  /** Calls `action(key, value)` for each record and passes it on unchanged. */
  peek(action: (key: K, value: V) => void): KStream<K, V> {
    return this.#derive(new FnNode((forward) => (k, v, t) => { action(k, v); forward(k, v, t); }), this.serdes);
  }

  /**
   * Splits the stream: each record goes to the first branch whose predicate holds, or is
   * dropped when none does. Returns one stream per predicate, in order.
   */
  branch(...predicates: ((key: K, value: V) => boolean)[]): KStream<K, V>[] {
    const branches = predicates.map(() => new PassNode());
    this.node.add(new BranchNode(predicates, branches));
    return branches.map((b) => new KStream(this.state, b, this.serdes, this.partitioning));
  }

  /** Both streams' records in one stream (in processing order). */
  merge(other: KStream<K, V>): KStream<K, V> {
    const node = new PassNode();
    this.node.add(node);
    other.node.add(node);
    const sources = [...new Set([...this.partitioning.sources, ...other.partitioning.sources])];
    return new KStream(this.state, node, this.serdes, { sources, keyChanged: this.partitioning.keyChanged || other.partitioning.keyChanged });
  }

  /**
   * Gives each record the key `selector(key, value)` and moves it to that key's partition
   * through the repartition topic `<app>-<name>-repartition` (`name` generated when not given).
   */
  selectKey<K2>(selector: (key: K, value: V) => K2, options: { name?: string; key?: Serde<K2> } = {}): KStream<K2, V> {
    const keySerde = resolveSerdes<K2, V>({ key: options.key }, { key: this.serdes.key, value: this.serdes.value }, "selectKey").key;
    const rekey = this.node.add(new FnNode((forward) => (k, v, t) => forward(selector(k, v), v, t)));
    const name = options.name ?? this.state.generatedName("selectkey");
    const source = this.state.repartition(name, rekey, { key: keySerde, value: this.serdes.value });
    return new KStream<K2, V>(this.state, source as GraphNode, { key: keySerde, value: this.serdes.value }, { sources: [source.topic], keyChanged: false });
  }

  /** Writes every record to `topic` (partitioned by key), with the stream's serdes unless given. */
  to(topic: string, serdes?: Serdes<K, V>): void {
    const resolved = resolveSerdes(serdes, this.serdes, `to("${topic}")`);
    this.state.addSink(topic, resolved);
    this.node.add(new SinkNode(topic, resolved.key, resolved.value, false));
  }

  /** Groups by the current key, for `count`, `reduce`, `aggregate` and `windowedBy` (repartitioned first if `map`/`flatMap` changed keys). */
  groupByKey(serdes?: Serdes<K, V>): KGroupedStream<K, V> {
    const resolved = resolveSerdes(serdes, this.serdes, "groupByKey");
    return new KGroupedStream<K, V>(this, resolved, this.partitioning.keyChanged ? { rekey: undefined } : undefined);
  }

  /** Groups by `selector(key, value)`: records move to the new key's partition through a repartition topic. */
  groupBy<K2>(selector: (key: K, value: V) => K2, serdes?: Serdes<K2, V>): KGroupedStream<K2, V> {
    const resolved = resolveSerdes<K2, V>(serdes, { key: this.serdes.key, value: this.serdes.value }, "groupBy");
    return new KGroupedStream<K2, V>(this as unknown as KStream<K2, V>, resolved, { rekey: selector as (k: unknown, v: unknown) => unknown });
  }

  /**
   * Inner join. With a table: each record joins the table's current value for its key
   * (`joiner(streamValue, tableValue)`); records without a match are dropped. With a stream and
   * `windows.join(...)`: records of the two streams with equal keys and timestamps at most the
   * window's difference apart join (`joiner(leftValue, rightValue)`).
   *
   * @throws {RivuletError} `invalid_config` (reason `not_copartitioned`) when an input's key was changed by `map`/`flatMap` without repartitioning
   */
  join<T, R>(table: KTable<K, T>, joiner: (value: V, tableValue: T, key: K) => R, options?: { value?: Serde<R> }): KStream<K, R>;
  join<V2, R>(other: KStream<K, V2>, joiner: (value: V, otherValue: V2, key: K) => R, windows: JoinWindows, options?: StreamJoinOptions & { value?: Serde<R> }): KStream<K, R>;
  join(other: KTable<K, any> | KStream<K, any>, joiner: (a: any, b: any, key: any) => any, third?: any, fourth?: any): KStream<K, any> {
    if (other instanceof KStream) return this.#streamJoin(other, joiner, third, fourth ?? {}, false);
    return this.#tableJoin(other, joiner, false, third);
  }

  /**
   * Left join: like `join`, but this stream's records without a match still go on, with `null`
   * for the other value. With a table, at once. With a stream and `windows.join(...)`, once no
   * on-time record of the other stream can match any more (`timestamp + 2·difference + grace <
   * stream time`), as Kafka Streams does, so a record that matches later is not also emitted
   * unmatched.
   *
   * @throws {RivuletError} `invalid_config` (reason `not_copartitioned`) when an input's key was changed by `map`/`flatMap` without repartitioning
   */
  leftJoin<T, R>(table: KTable<K, T>, joiner: (value: V, tableValue: T | null, key: K) => R, options?: { value?: Serde<R> }): KStream<K, R>;
  leftJoin<V2, R>(other: KStream<K, V2>, joiner: (value: V, otherValue: V2 | null, key: K) => R, windows: JoinWindows, options?: StreamJoinOptions & { value?: Serde<R> }): KStream<K, R>;
  leftJoin(other: KTable<K, any> | KStream<K, any>, joiner: (a: any, b: any, key: any) => any, third?: any, fourth?: any): KStream<K, any> {
    if (other instanceof KStream) return this.#streamJoin(other, joiner, third, fourth ?? {}, true);
    return this.#tableJoin(other, joiner, true, third);
  }

  #checkKeys(what: string, ...streams: { partitioning: Partitioning }[]): void {
    if (streams.some((s) => s.partitioning.keyChanged)) {
      throw topologyError("not_copartitioned", `${what}: an input's key was changed by map/flatMap, so its records are not on their key's partition; use selectKey (which repartitions) before joining`);
    }
  }

  #tableJoin(table: KTable<K, any>, joiner: (a: any, b: any, key: any) => any, left: boolean, options?: { value?: Serde<any> }): KStream<K, any> {
    const what = left ? "leftJoin" : "join";
    if (table === null || typeof table !== "object" || typeof (table as KTable<K, any>).storeName !== "string") throw topologyError("invalid_option", `${what} takes a table from t.table() or an aggregate, or a stream with windows.join()`);
    this.#checkKeys(what, this, table);
    this.state.copartitioned([...this.partitioning.sources, ...table.partitioning.sources]);
    const value = resolveSerdes(options, { key: this.serdes.key, value: defaultValueSerde }, what).value;
    return this.#derive(new TableJoinNode(table.storeName, table.serdes.key, table.serdes.value, joiner, left), { key: this.serdes.key, value });
  }

  #streamJoin(other: KStream<K, any>, joiner: (a: any, b: any, key: any) => any, windowsArg: unknown, options: StreamJoinOptions & { value?: Serde<any> }, left: boolean): KStream<K, any> {
    const what = left ? "leftJoin" : "join";
    const windows = checkWindows<JoinWindows>(windowsArg, ["join"], `stream–stream ${what}`);
    this.#checkKeys(what, this, other);
    this.state.copartitioned([...this.partitioning.sources, ...other.partitioning.sources]);
    const name = options.name ?? this.state.generatedName("join");
    const leftStore = `${name}-left`;
    const rightStore = `${name}-right`;
    const resolved = resolveSerdes({ value: options.leftValue }, this.serdes, "join");
    const leftValue = resolved.value;
    const rightValue = resolveSerdes({ value: options.rightValue }, other.serdes, "join").value;
    const retentionMs = 2 * windows.differenceMs + windows.graceMs;
    for (const [store, valueSerde] of [[leftStore, leftValue], [rightStore, rightValue]] as const) {
      this.state.addStore({ name: store, kind: "join", keySerde: this.serdes.key, valueSerde, options: { windowed: true, retentionMs } });
    }
    const out = new PassNode();
    this.node.add(new StreamJoinSideNode(leftStore, rightStore, windows, this.serdes.key, leftValue, rightValue, joiner, true, { keepsUnmatched: left, marksOther: false })).add(out);
    other.node.add(new StreamJoinSideNode(rightStore, leftStore, windows, this.serdes.key, rightValue, leftValue, joiner, false, { keepsUnmatched: false, marksOther: left })).add(out);
    const value = resolveSerdes({ value: options.value }, { key: this.serdes.key, value: defaultValueSerde }, "join").value;
    const sources = [...new Set([...this.partitioning.sources, ...other.partitioning.sources])];
    return new KStream(this.state, out, { key: this.serdes.key, value }, { sources, keyChanged: false });
  }
}
