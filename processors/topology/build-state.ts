import { validateTopicName } from "../../core/topic-name.ts";
import { GraphNode, type SourceNode } from "./graph-node.ts";
import type { Serde } from "./serde.ts";
import { SinkNode } from "./sink-node.ts";
import type { StoreInfo } from "./store-info.ts";
import { StreamSourceNode } from "./stream-source.ts";
import { topologyError } from "./topology-error.ts";

/** How a stream's records are partitioned: by which topics, and whether its key has changed since. */
export interface Partitioning {
  /** The topics whose partitioning the stream's records follow (a merge follows several). */
  sources: readonly string[];
  /** A `map` or `flatMap` may have changed the key: records may sit on the wrong partition. */
  keyChanged: boolean;
}

/**
 * Everything a topology's DSL calls record while `build` runs: sources, sinks, stores,
 * repartition topics, co-partitioning, and a counter for generated names. Generated names
 * depend only on the order of DSL calls, so every pool worker importing the module builds the
 * same names. Refuses duplicates with `invalid_config` at build time.
 */
export class BuildState {
  readonly appId: string;
  readonly sources: Map<string, SourceNode> = new Map();
  readonly sinkSerdes: Map<string, { key: Serde<any>; value: Serde<any> }> = new Map();
  readonly stores: Map<string, StoreInfo> = new Map();
  readonly repartitionTopics: string[] = [];
  readonly copartition: string[][] = [];
  #counter = 0;

  constructor(appId: string) {
    this.appId = appId;
  }

  /** A name for an unnamed operator: `<kind>-0001`, `<kind>-0002`, … in call order. */
  generatedName(kind: string): string {
    return `${kind}-${String(++this.#counter).padStart(4, "0")}`;
  }

  /** Registers an input topic. @throws {RivuletError} `invalid_config` when already read */
  addSource(node: SourceNode): void {
    if (this.sources.has(node.topic)) throw topologyError("duplicate_source", `topic "${node.topic}" is read twice; read it once and reuse the stream (or merge)`, { topic: node.topic });
    this.sources.set(node.topic, node);
  }

  /** Registers a store. @throws {RivuletError} `invalid_config` on a duplicate name */
  addStore(info: StoreInfo): void {
    validateStoreName(this.appId, info.name);
    if (this.stores.has(info.name)) throw topologyError("duplicate_store", `store "${info.name}" is defined twice; give each store its own name`, { store: info.name });
    this.stores.set(info.name, info);
  }

  /** Registers a `to` sink; the first serdes given for a topic describe it to the test driver. */
  addSink(topic: string, serdes: { key: Serde<any>; value: Serde<any> }): void {
    validateTopicName(topic);
    if (!this.sinkSerdes.has(topic)) this.sinkSerdes.set(topic, serdes);
  }

  /** Says the topics must have equal partition counts (a join's inputs). */
  copartitioned(topics: readonly string[]): void {
    this.copartition.push([...new Set(topics)]);
  }

  /**
   * Routes `from`'s records through the repartition topic `<app>-<name>-repartition`: written
   * by key (murmur2) and read back as this task's input.
   *
   * @returns the source node reading it back
   * @throws {RivuletError} `invalid_config` when the name is taken
   */
  repartition(name: string, from: GraphNode, serdes: { key: Serde<any>; value: Serde<any> }): StreamSourceNode {
    const topic = `${this.appId}-${name}-repartition`;
    validateTopicName(topic);
    if (this.repartitionTopics.includes(topic)) throw topologyError("duplicate_repartition", `repartition topic "${topic}" is defined twice; name the operators`, { topic });
    this.repartitionTopics.push(topic);
    from.add(new SinkNode(topic, serdes.key, serdes.value, true));
    const source = new StreamSourceNode(topic, serdes.key, serdes.value);
    this.addSource(source);
    return source;
  }
}

/** Store names become topic names (`<app>-<store>-changelog`), so they follow the topic rule. */
function validateStoreName(appId: string, name: string): void {
  if (typeof name !== "string" || !/^[a-zA-Z0-9._-]{1,200}$/.test(name) || name.startsWith("__")) {
    throw topologyError("invalid_option", `store name ${JSON.stringify(name)} must be 1-200 of [a-zA-Z0-9._-], not starting with "__" (reserved)`, { store: String(name).slice(0, 100) });
  }
  validateTopicName(`${appId}-${name}-changelog`);
}
