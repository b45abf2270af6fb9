import { type Duration, parseDuration } from "./duration.ts";
import type { KGroupedStream } from "./kgrouped-stream.ts";
import { defaultValueSerde, resolveSerdes, type Serde } from "./serde.ts";
import { type Merger, SessionAggregateNode } from "./session-aggregate-node.ts";
import { defaultRetentionMs } from "./store-options.ts";
import { topologyError } from "./topology-error.ts";
import { WindowAggregateNode } from "./window-aggregate-node.ts";
import { WindowedKTable } from "./windowed-ktable.ts";
import type { SessionWindows, TimeWindows } from "./windows.ts";

/** Options of windowed `count`, `reduce` and `aggregate`. */
export interface WindowedAggregateOptions<K, A> {
  /** The store's name (queryable with `{ windowStart }`); generated when not given. */
  store?: string;
  /** Serde of the aggregate (default JSON). */
  serdes?: { value?: Serde<A> };
  /** How long closed windows stay queryable (default 1 day; at least window size + grace, or gap + grace). */
  retention?: Duration;
  /** The store's memory limit, in bytes. */
  memoryLimitBytes?: number;
  /** Session windows: combines two sessions' aggregates when a record bridges them (required by `aggregate`). */
  merge?: Merger<K, A>;
}

/** A grouped stream with windows, ready to aggregate per key and window. */
export class WindowedKStream<K, V> {
  readonly #grouped: KGroupedStream<K, V>;
  readonly #windows: TimeWindows | SessionWindows;

  /** @internal made by `windowedBy` */
  constructor(grouped: KGroupedStream<K, V>, windows: TimeWindows | SessionWindows) {
    this.#grouped = grouped;
    this.#windows = windows;
  }

  /** Counts records per key and window. */
  count(options: WindowedAggregateOptions<K, number> = {}): WindowedKTable<K, number> {
    return this.#aggregate("count", () => 0, (_k, _v, n: number) => n + 1, options, (_k, a, b) => a + b);
  }

  /** Combines values per key and window: the first value, then `reducer(aggregate, value)`. */
  reduce(reducer: (aggregate: V, value: V) => V, options: WindowedAggregateOptions<K, V> = {}): WindowedKTable<K, V> {
    const serdes = { value: options.serdes?.value ?? this.#grouped.serdes.value };
    return this.#aggregate("reduce", undefined, (_k, v: V, a: V) => reducer(a, v), { ...options, serdes }, (_k, a, b) => reducer(a, b));
  }

  /** Folds values per key and window from `initializer()`; session windows also need `options.merge`. */
  aggregate<A>(initializer: () => A, aggregator: (key: K, value: V, aggregate: A) => A, options: WindowedAggregateOptions<K, A> = {}): WindowedKTable<K, A> {
    return this.#aggregate("aggregate", initializer, aggregator, options, options.merge);
  }

  #aggregate<A>(kind: string, initial: (() => A) | undefined, aggregator: (key: K, value: V, aggregate: A) => A, options: WindowedAggregateOptions<K, A>, merge: Merger<K, A> | undefined): WindowedKTable<K, A> {
    const grouped = this.#grouped;
    const state = grouped.stream.state;
    const windows = this.#windows;
    const store = options.store ?? state.generatedName(`windowed-${kind}-store`);
    const valueSerde = resolveSerdes(options.serdes, { key: grouped.serdes.key, value: defaultValueSerde }, kind).value as Serde<A>;
    const retentionMs = options.retention === undefined ? defaultRetentionMs : parseDuration(options.retention, "retention");
    const span = windows.kind === "time" ? windows.sizeMs + windows.graceMs : windows.gapMs + windows.graceMs;
    if (retentionMs < span) throw topologyError("invalid_window", `store "${store}": retention ${retentionMs} ms is shorter than the window's ${span} ms (size or gap, plus grace)`, { store });
    if (windows.kind === "session" && typeof merge !== "function") throw topologyError("invalid_option", `store "${store}": aggregate over session windows needs options.merge`, { store });
    const storeOptions = { windowed: true, retentionMs, ...(options.memoryLimitBytes === undefined ? {} : { memoryLimitBytes: options.memoryLimitBytes }) };
    state.addStore({ name: store, kind: windows.kind === "time" ? "window" : "session", keySerde: grouped.serdes.key, valueSerde, sizeMs: windows.kind === "time" ? windows.sizeMs : undefined, options: storeOptions });
    const input = grouped.input(store);
    const aggregate = aggregator as (k: unknown, v: unknown, a: unknown) => unknown;
    const node = windows.kind === "time"
      ? new WindowAggregateNode(store, windows, retentionMs, grouped.serdes.key, valueSerde, initial, aggregate)
      : new SessionAggregateNode(store, windows, retentionMs, grouped.serdes.key, valueSerde, initial, aggregate, merge as Merger<unknown, unknown>);
    input.node.add(node);
    return new WindowedKTable<K, A>(state, node, store, { key: grouped.serdes.key, value: valueSerde }, input.sources);
  }
}
