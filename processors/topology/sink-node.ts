import { keyPartition } from "../../broker/partitioner.ts";
import { type Emit, GraphNode } from "./graph-node.ts";
import type { Serde } from "./serde.ts";
import type { TaskContext } from "./task-context.ts";

/**
 * Writes records to a topic. For a user topic (`to`) the partition is left to the producer's
 * partitioner. For a repartition topic the task picks it as the producer would (murmur2 of
 * the key, broker/partitioner.ts) when the runtime told it the topic's partition count; a
 * keyless record stays on the task's own partition number.
 */
export class SinkNode extends GraphNode {
  constructor(readonly topic: string, readonly keySerde: Serde<any>, readonly valueSerde: Serde<any>, readonly repartition: boolean) {
    super();
  }

  instantiate(task: TaskContext): Emit {
    const { topic, keySerde, valueSerde } = this;
    const partitions = this.repartition ? task.partitionsOf?.(topic) : undefined;
    return (key, value, timestamp) => {
      const keyBytes = key === null || key === undefined ? null : keySerde.serialize(key);
      const valueBytes = value === null || value === undefined ? null : valueSerde.serialize(value);
      if (partitions === undefined) {
        task.outputs.push({ topic, key: keyBytes, value: valueBytes, timestamp });
      } else {
        const partition = keyBytes === null ? task.partition % partitions : keyPartition(keyBytes, partitions);
        task.outputs.push({ topic, key: keyBytes, value: valueBytes, timestamp, partition });
      }
    };
  }
}
