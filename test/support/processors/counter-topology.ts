/**
 * A topology written by hand against processors/task-contract.ts (no DSL): counts records per
 * key of the topic `words` in the store `counts` (value: the count as decimal text) and writes
 * each new count to `word-counts`. Tests of the runtime use it so they do not depend on the DSL.
 */
import type { InputRecord, KeyValueStore, Task, TaskResult } from "../../../processors/task-contract.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function counterTask(partition: number, openStore: (name: string, options: object) => KeyValueStore): Task {
  const counts = openStore("counts", {});
  return {
    inputs: [{ topic: "words", partition }],
    process(records: readonly InputRecord[]): TaskResult {
      const result: TaskResult = { outputs: [], changelog: [], lateDropped: 0 };
      for (const record of records) {
        if (record.key === null) continue;
        const key = record.key.slice();
        const old = counts.get(key);
        const value = encoder.encode(String((old ? Number(decoder.decode(old)) : 0) + 1));
        counts.put(key, value);
        result.changelog.push({ store: "counts", key, value });
        result.outputs.push({ topic: "word-counts", key, value, timestamp: record.timestamp });
      }
      return result;
    },
    tick(): TaskResult {
      return { outputs: [], changelog: [], lateDropped: 0 };
    },
  };
}

export default {
  appId: "word-counter",
  sources: ["words"],
  sinks: ["word-counts"],
  stores: [{ name: "counts", options: {} }],
  repartitionTopics: [],
  copartitionGroups: [["words"]],
  createTask: counterTask,
  decodeStoreValue: (_store: string, value: Uint8Array) => Number(decoder.decode(value)),
};
