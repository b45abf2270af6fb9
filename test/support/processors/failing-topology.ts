/**
 * A hand-written topology whose task fails: its store `tiny` holds at most 8 bytes, so the
 * second distinct key of `words` passes the limit and the store throws `store_full`.
 */
import type { InputRecord, KeyValueStore, Task, TaskResult } from "../../../processors/task-contract.ts";

function task(partition: number, openStore: (name: string, options: object) => KeyValueStore): Task {
  const tiny = openStore("tiny", { memoryLimitBytes: 8 });
  return {
    inputs: [{ topic: "words", partition }],
    process(records: readonly InputRecord[]): TaskResult {
      const result: TaskResult = { outputs: [], changelog: [], lateDropped: 0 };
      for (const record of records) {
        const key = record.key!.slice();
        tiny.put(key, new Uint8Array([1]));
        result.changelog.push({ store: "tiny", key, value: new Uint8Array([1]) });
      }
      return result;
    },
    tick: () => ({ outputs: [], changelog: [], lateDropped: 0 }),
  };
}

export default {
  appId: "overflowing",
  sources: ["words"],
  sinks: [],
  stores: [{ name: "tiny", options: { memoryLimitBytes: 8 } }],
  repartitionTopics: [],
  copartitionGroups: [],
  createTask: task,
};
