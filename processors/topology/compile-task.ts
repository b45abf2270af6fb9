import type { InputRecord, KeyValueStore, Task, TaskResult } from "../task-contract.ts";
import type { Compile, Emit, GraphNode } from "./graph-node.ts";
import type { StoreOptions } from "./store-options.ts";
import { readStreamTime, streamTimeEntry, streamTimeStore } from "./stream-time.ts";
import { TaskContext } from "./task-context.ts";
import type { Topology } from "./topology.ts";

/** What the runtime may tell a task beyond the contract's minimum. */
export interface CompileOptions {
  /**
   * Partition count of a repartition topic. When given, the task picks each repartition
   * record's partition (murmur2 of the key, as the producer's partitioner would); otherwise it
   * leaves `partition` unset and the producer's partitioner picks the same one.
   */
  partitionsOf?: (topic: string) => number | undefined;
}

/**
 * Compiles `topology` into the task for one partition number: every processor node becomes a
 * closure bound to this task's stores, so processing a batch is direct calls, synchronous and
 * deterministic. Stream time is the largest record timestamp seen (kept in the store
 * `__stream-time` when the topology has windows or joins, so it survives a restore); after each
 * record that advances it, windows that closed emit (emit "final"). A tick drops windows and join buffer
 * entries past their retention. Results do not depend on how records are split into batches
 * nor on ticks' wall clock.
 *
 * @param topology a topology (`topology(appId, build)`)
 * @param partition the partition number of every input the task reads
 * @param openStore opens (or creates) one of the topology's stores for this task; called once per store, while compiling
 * @param options see {@link CompileOptions}
 * @returns the task; the runtime must call it from one thread at a time
 * @example
 * ```ts
 * const task = compileTask(app, 0, (name, options) => openMyStore(name, options));
 * const { outputs, changelog, lateDropped } = task.process(records);   // write outputs, log changelog, then commit
 * task.tick(Date.now());                                               // now and then: expire old windows
 * ```
 */
export function compileTask(
  topology: Topology,
  partition: number,
  openStore: (name: string, options: StoreOptions) => KeyValueStore,
  options: CompileOptions = {},
): Task {
  const graph = topology.graph;
  const task = new TaskContext(partition, openStore, (name) => graph.storeInfo.get(name)?.options ?? {}, options.partitionsOf);
  const compiled = new Map<GraphNode, Emit>();
  const compile: Compile = (node) => {
    let emit = compiled.get(node);
    if (emit === undefined) {
      emit = node.instantiate(task, compile);
      compiled.set(node, emit);
    }
    return emit;
  };
  const handlers = new Map<string, { index: number; handle: (record: InputRecord) => void }>();
  topology.sources.forEach((topic, index) => {
    const source = graph.sources.get(topic);
    if (source === undefined) throw new Error(`topology source ${topic} has no node`);
    handlers.set(topic, { index, handle: source.open(task, compile) });
  });
  // Every store opens now, so the runtime can restore them all before the first record.
  for (const name of graph.storeInfo.keys()) task.store(name);
  const timeStore = graph.storeInfo.has(streamTimeStore) ? task.store(streamTimeStore) : undefined;
  let started = false;
  const start = () => {
    if (!started) {
      started = true;
      if (timeStore !== undefined) task.streamTime = readStreamTime(timeStore);
    }
    task.begin();
  };

  return {
    inputs: topology.sources.map((topic) => ({ topic, partition })),
    process(records: readonly InputRecord[]): TaskResult {
      start();
      const before = task.streamTime;
      for (const record of records) {
        const handler = handlers.get(record.topic);
        if (handler === undefined) throw new Error(`task ${topology.appId}/${partition} got a record of ${record.topic}, not one of its inputs`);
        const advanced = record.timestamp > task.streamTime;
        if (advanced) task.streamTime = record.timestamp;
        task.input = handler.index;
        task.offset = record.offset;
        task.seq = 0;
        handler.handle(record);
        if (advanced) for (const close of task.closers) close();
      }
      if (timeStore !== undefined && task.streamTime > before && task.streamTime >= 0) {
        const [key, value] = streamTimeEntry(task.streamTime);
        task.write(timeStore, key, value);
      }
      return task.finish();
    },
    tick(_nowMs: number): TaskResult {
      start();
      for (const expire of task.expirers) expire();
      return task.finish();
    },
  };
}
