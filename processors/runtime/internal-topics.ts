/**
 * Before an app starts: its input topics must exist, co-partitioned inputs must have equal
 * partition counts, and its internal topics are created as needed — repartition topics
 * (`<app>-<name>-repartition`, as many partitions as the app has tasks) and one compacted
 * changelog topic per store (`<app>-<store>-changelog`, partition = task partition).
 */
import { RivuletError, isRivuletError } from "../../core/errors.ts";
import type { ProcessorBroker } from "./processor-broker.ts";
import { changelogTopic, type RunnableTopology } from "./runnable-topology.ts";

/**
 * Checks the topology against the broker and creates what is missing.
 *
 * @returns the app's task count (the most partitions of any user input topic) and the partition
 *   counts of its repartition topics
 * @throws {RivuletError} `unknown_topic` for a missing input or output topic; `invalid_topology`
 *   for co-partitioned topics with different partition counts, or an internal topic with too few
 *   partitions
 */
export async function prepareTopics(broker: ProcessorBroker, topology: RunnableTopology): Promise<{ tasks: number; repartitionPartitions: Record<string, number> }> {
  const repartition = new Set(topology.repartitionTopics);
  const counts = new Map<string, number>();
  for (const topic of [...topology.sources, ...topology.sinks]) {
    if (repartition.has(topic) || counts.has(topic)) continue;
    try {
      counts.set(topic, broker.topicConfig(topic).partitions);
    } catch (error) {
      if (!isRivuletError(error, "unknown_topic")) throw error;
      const role = topology.sources.includes(topic) ? "input" : "output";
      throw new RivuletError("unknown_topic", `app ${topology.appId}: its ${role} topic "${topic}" does not exist; create it first`, { topic, app: topology.appId });
    }
  }
  const tasks = Math.max(...topology.sources.filter((t) => !repartition.has(t)).map((t) => counts.get(t)!), 1);
  for (const topic of repartition) counts.set(topic, await ensureTopic(broker, topic, tasks, {}));
  for (const group of topology.copartitionGroups) {
    const sized = group.map((topic) => ({ topic, partitions: counts.get(topic) ?? broker.topicConfig(topic).partitions }));
    if (new Set(sized.map((s) => s.partitions)).size > 1) {
      const list = sized.map((s) => `"${s.topic}" has ${s.partitions}`).join(", ");
      throw new RivuletError("invalid_topology", `app ${topology.appId}: co-partitioned topics must have the same number of partitions, but ${list}; give them equal partition counts (a join or merge reads partition N of each together)`, { app: topology.appId, topics: sized });
    }
  }
  for (const store of topology.stores) await ensureTopic(broker, changelogTopic(topology.appId, store.name), tasks, { "cleanup.policy": "compact" });
  return { tasks, repartitionPartitions: Object.fromEntries([...repartition].map((t) => [t, counts.get(t)!])) };
}

/** Creates a topic with `partitions` partitions, or checks an existing one has at least that many. */
async function ensureTopic(broker: ProcessorBroker, topic: string, partitions: number, config: Record<string, unknown>): Promise<number> {
  try {
    await broker.createTopic(topic, { partitions, config });
    return partitions;
  } catch (error) {
    if (!isRivuletError(error, "topic_exists")) throw error;
  }
  const existing = broker.topicConfig(topic).partitions;
  if (existing < partitions) {
    throw new RivuletError("invalid_topology", `internal topic "${topic}" has ${existing} partitions but the app has ${partitions} tasks; grow it (or delete it to be rebuilt)`, { topic, partitions: existing, tasks: partitions });
  }
  return existing;
}
