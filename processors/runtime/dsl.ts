/**
 * The DSL's entry points the runtime calls (processors/topology/): `compileTask` makes a
 * topology's task, `storeView` reads its stores in users' terms (decoded keys, windows).
 * Loaded on first use, so a runtime running only hand-written topologies never loads the DSL.
 */
import type { KeyValueStore, Task } from "../task-contract.ts";
import type { OpenStore, RunnableTopology } from "./runnable-topology.ts";

/** What the runtime uses of the DSL. */
export interface Dsl {
  compileTask(topology: RunnableTopology, partition: number, openStore: OpenStore, options?: { partitionsOf?: (topic: string) => number | undefined }): Task;
  storeView(topology: RunnableTopology, name: string, stores: readonly KeyValueStore[]): { get(key: unknown, options?: { windowStart?: number }): unknown };
}

let loading: Promise<Dsl> | null = null;

/** The DSL's functions. */
export function loadDsl(): Promise<Dsl> {
  // Named by computed URLs until the DSL and this runtime are on one branch, so this file
  // type-checks without it; then these become static imports (which the package build bundles).
  const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  loading ??= Promise.all([
    import(new URL(`../topology/compile-task${extension}`, import.meta.url).href),
    import(new URL(`../topology/store-view${extension}`, import.meta.url).href),
  ]).then(([compile, view]) => ({ compileTask: compile.compileTask, storeView: view.storeView }));
  return loading;
}
