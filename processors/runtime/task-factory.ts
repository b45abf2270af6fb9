/**
 * Makes a task of a topology for one partition number: the topology's own `createTask` when it
 * has one (hand-written tasks), else the DSL's `compileTask` (processors/topology/compile-task.ts),
 * loaded on first use so a runtime running only hand-written topologies never loads the DSL.
 */
import type { Task } from "../task-contract.ts";
import type { OpenStore, RunnableTopology } from "./runnable-topology.ts";

type CompileTask = (topology: RunnableTopology, partition: number, openStore: OpenStore) => Task;

let compileTask: Promise<CompileTask> | null = null;

/**
 * @param topology the module's default export
 * @param partition the task's partition number
 * @param openStore opens the task's stores
 */
export async function createTask(topology: RunnableTopology, partition: number, openStore: OpenStore): Promise<Task> {
  if (typeof topology.createTask === "function") return topology.createTask(partition, openStore);
  // The DSL lands beside this runtime (processors/topology/); named by a computed URL until
  // both are on one branch, so this file type-checks without it.
  const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  compileTask ??= import(new URL(`../topology/compile-task${extension}`, import.meta.url).href).then((m) => m.compileTask as CompileTask);
  return (await compileTask)(topology, partition, openStore);
}
