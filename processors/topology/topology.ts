import { RivuletError } from "../../core/errors.ts";
import { validateTopicName } from "../../core/topic-name.ts";
import { BuildState } from "./build-state.ts";
import type { SourceNode } from "./graph-node.ts";
import type { Serde } from "./serde.ts";
import type { StoreInfo } from "./store-info.ts";
import type { StoreSpec } from "./store-options.ts";
import { StreamsBuilder } from "./streams-builder.ts";
import { streamTimeStore, streamTimeStoreInfo } from "./stream-time.ts";

/** @internal the processor graph a topology compiles from, once per task */
export interface TopologyGraph {
  readonly sources: ReadonlyMap<string, SourceNode>;
  readonly sinkSerdes: ReadonlyMap<string, { key: Serde<any>; value: Serde<any> }>;
  readonly storeInfo: ReadonlyMap<string, StoreInfo>;
}

/**
 * A built topology: what the runtime needs to run it (topics, stores, co-partitioning) and the
 * processor graph `compileTask` turns into tasks. A topology module's default export.
 * Plain data plus the graph: the runtime reads it by shape, never by `instanceof`, since the
 * user's module and the runtime may load this file as two copies.
 */
export interface Topology {
  /** The application id: consumer group id and prefix of internal topics. */
  readonly appId: string;
  /** Every topic the tasks read: user input topics, then repartition topics, in build order. */
  readonly sources: readonly string[];
  /** User topics written by `to`. */
  readonly sinks: readonly string[];
  /** The stores, each with a changelog `<app>-<name>-changelog`. */
  readonly stores: readonly StoreSpec[];
  /** Internal topics `<app>-<name>-repartition` the runtime creates; also in `sources`. */
  readonly repartitionTopics: readonly string[];
  /** Sets of topics that must have equal partition counts (a join's inputs). */
  readonly copartitionGroups: readonly (readonly string[])[];
  /** @internal */
  readonly graph: TopologyGraph;
}

/**
 * Defines a stream processing application. `build` runs at once (and again in every pool
 * worker that imports the module), so it must build the same topology each time.
 *
 * @param appId the application id: 1-100 of `[a-zA-Z0-9._-]`
 * @param build declares the topology on the builder `t`
 * @returns the topology, to `export default`
 * @throws {RivuletError} `invalid_config` (with `info.reason`: `unknown_serde`, `duplicate_store`, `duplicate_source`, `not_copartitioned`, `invalid_window`, …) or `invalid_topic_name`
 * @example
 * ```ts
 * export default topology("word-count", (t) => {
 *   t.stream("lines")
 *     .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter(Boolean))
 *     .groupBy((_k, word) => word)
 *     .count({ store: "counts" })
 *     .toStream()
 *     .to("word-counts");
 * });
 * ```
 */
export function topology(appId: string, build: (t: StreamsBuilder) => void): Topology {
  if (typeof appId !== "string" || !/^[a-zA-Z0-9._-]{1,100}$/.test(appId)) {
    throw new RivuletError("invalid_config", `app id ${JSON.stringify(String(appId).slice(0, 100))} must be 1-100 of [a-zA-Z0-9._-]`, { reason: "invalid_option" });
  }
  validateTopicName(appId);
  const state = new BuildState(appId);
  build(new StreamsBuilder(state));
  // Time-dependent state needs the task's stream time to survive a restore (see stream-time.ts).
  if ([...state.stores.values()].some((s) => s.options.windowed)) state.stores.set(streamTimeStore, streamTimeStoreInfo());
  const repartition = new Set(state.repartitionTopics);
  const inputs = [...state.sources.keys()];
  return Object.freeze({
    appId,
    sources: [...inputs.filter((t) => !repartition.has(t)), ...state.repartitionTopics],
    sinks: [...state.sinkSerdes.keys()],
    stores: [...state.stores.values()].map((s) => ({ name: s.name, options: { ...s.options } })),
    repartitionTopics: [...state.repartitionTopics],
    copartitionGroups: mergeGroups(state.copartition),
    graph: { sources: state.sources, sinkSerdes: state.sinkSerdes, storeInfo: state.stores },
  });
}

/** Unites groups sharing a topic, so each topic is in at most one group. */
function mergeGroups(groups: readonly string[][]): string[][] {
  const merged: Set<string>[] = [];
  for (const group of groups) {
    let into: Set<string> | undefined;
    for (const set of [...merged]) {
      if (!group.some((topic) => set.has(topic))) continue;
      if (into === undefined) into = set;
      else {
        for (const topic of set) into.add(topic);
        merged.splice(merged.indexOf(set), 1);
      }
    }
    if (into === undefined) merged.push(new Set(group));
    else for (const topic of group) into.add(topic);
  }
  return merged.filter((set) => set.size > 1).map((set) => [...set]);
}
