/**
 * Makes a task of a topology for one partition number: the topology's own `createTask` when it
 * has one (hand-written tasks), else the DSL's `compileTask`, told the partition counts of the
 * repartition topics so the task picks those records' partitions itself.
 */
import type { Task } from "../task-contract.ts";
import { compileDslTask } from "./dsl.ts";
import type { OpenStore, RunnableTopology } from "./runnable-topology.ts";

/**
 * @param topology the module's default export
 * @param partition the task's partition number
 * @param openStore opens the task's stores
 * @param partitions partition counts of the app's repartition topics
 */
export function createTask(topology: RunnableTopology, partition: number, openStore: OpenStore, partitions: Readonly<Record<string, number>>): Task {
  if (typeof topology.createTask === "function") return topology.createTask(partition, openStore);
  return compileDslTask(topology, partition, openStore, partitions);
}
