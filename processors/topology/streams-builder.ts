import { validateTopicName } from "../../core/topic-name.ts";
import type { BuildState } from "./build-state.ts";
import { KStream } from "./kstream.ts";
import { KTable } from "./ktable.ts";
import { defaultKeySerde, resolveSerdes, type Serde, type Serdes } from "./serde.ts";
import { StreamSourceNode } from "./stream-source.ts";
import { TableSourceNode } from "./table-source.ts";

/** The serde a source's values default to: text, as most topics written by hand hold. */
const defaultSourceValueSerde = resolveSerdes(undefined, { key: defaultKeySerde, value: defaultKeySerde }, "source").value;

/** Options of `t.table`. */
export interface TableOptions<K, V> extends Serdes<K, V> {
  /** The table's store name (default: the topic's name). */
  store?: string;
  /** The store's memory limit, in bytes. */
  memoryLimitBytes?: number;
}

/**
 * What `build` receives in `topology(appId, build)`: reads topics as streams and tables.
 * Keys default to `serde.string`, source values to `serde.string`.
 */
export class StreamsBuilder {
  readonly #state: BuildState;

  /** @internal made by `topology()` */
  constructor(state: BuildState) {
    this.#state = state;
  }

  /** The application's id (group id; prefix of its internal topics). */
  get appId(): string {
    return this.#state.appId;
  }

  /**
   * A stream of every record of `topic` (or of several topics, merged).
   *
   * @throws {RivuletError} `invalid_config` on an unknown serde or a topic read twice; `invalid_topic_name`
   */
  stream<K = string, V = string>(topic: string | readonly string[], serdes?: Serdes<K, V>): KStream<K, V> {
    const topics = typeof topic === "string" ? [topic] : [...topic];
    const resolved = resolveSerdes<K, V>(serdes, { key: defaultKeySerde, value: defaultSourceValueSerde }, "stream");
    const first = this.#source(topics[0], resolved);
    let stream = new KStream<K, V>(this.#state, first, resolved, { sources: [topics[0]], keyChanged: false });
    for (const more of topics.slice(1)) stream = stream.merge(new KStream<K, V>(this.#state, this.#source(more, resolved), resolved, { sources: [more], keyChanged: false }));
    return stream;
  }

  /**
   * A table of `topic`: each record upserts its key, a `null` value deletes it. Kept in the
   * store named `options.store`, or after the topic.
   *
   * @throws {RivuletError} `invalid_config` on an unknown serde, a duplicate store or a topic read twice
   */
  table<K = string, V = string>(topic: string, options: TableOptions<K, V> = {}): KTable<K, V> {
    validateTopicName(topic);
    const serdes = resolveSerdes<K, V>(options, { key: defaultKeySerde, value: defaultSourceValueSerde }, "table");
    const store = options.store ?? topic;
    this.#state.addStore({ name: store, kind: "kv", keySerde: serdes.key, valueSerde: serdes.value, options: options.memoryLimitBytes === undefined ? {} : { memoryLimitBytes: options.memoryLimitBytes } });
    const node = new TableSourceNode(topic, store, serdes.key as Serde<any>, serdes.value as Serde<any>);
    this.#state.addSource(node);
    return new KTable<K, V>(this.#state, node, store, serdes, { sources: [topic], keyChanged: false });
  }

  #source(topic: string, serdes: { key: Serde<any>; value: Serde<any> }): StreamSourceNode {
    validateTopicName(topic);
    const node = new StreamSourceNode(topic, serdes.key, serdes.value);
    this.#state.addSource(node);
    return node;
  }
}
