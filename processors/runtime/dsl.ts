/**
 * The DSL's entry points the runtime calls (processors/topology/): `compileTask` makes a
 * topology's task, `storeView` reads its stores in users' terms (decoded keys, windows).
 * Imported statically (the package build bundles them with the pool worker); the runtime calls
 * them only for topologies built with `topology(appId, build)`, which carry a `graph`.
 */
import { compileTask } from "../topology/compile-task.ts";
import { storeView } from "../topology/store-view.ts";
import type { Topology } from "../topology/topology.ts";
import type { KeyValueStore, Task } from "../task-contract.ts";
import type { OpenStore, RunnableTopology } from "./runnable-topology.ts";

/**
 * The DSL's task for one partition number of a DSL topology.
 *
 * @param partitions partition counts of the repartition topics (the task picks their partitions)
 */
export function compileDslTask(topology: RunnableTopology, partition: number, openStore: OpenStore, partitions: Readonly<Record<string, number>>): Task {
  return compileTask(topology as unknown as Topology, partition, openStore, { partitionsOf: (topic) => partitions[topic] });
}

/** Reads `key` of a DSL topology's store over one task's store, decoded (undefined when absent). */
export function readDslStore(topology: RunnableTopology, store: KeyValueStore, key: unknown, windowStart: number | undefined): unknown {
  return storeView(topology as unknown as Topology, store.name, [store]).get(key, { windowStart });
}
