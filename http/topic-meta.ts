/**
 * A topic's partition count and config, as produce needs them on every request. Uses the
 * broker's synchronous `topicConfig()` when it has one (no worker round trip), else
 * `describeTopic()` (which asks every partition for its offsets).
 */
import type { BrokerApi } from "../broker/types.ts";
import type { TopicConfig } from "../core/topic-config.ts";

/** Partition count and config of a topic. */
export interface TopicMeta {
  partitions: number;
  config: TopicConfig;
}

type WithTopicConfig = BrokerApi & { topicConfig?: (topic: string) => TopicMeta };

/**
 * Reads a topic's partition count and config.
 *
 * @throws {RivuletError} `unknown_topic`
 */
export async function topicMeta(broker: BrokerApi, topic: string): Promise<TopicMeta> {
  const fast = broker as WithTopicConfig;
  if (typeof fast.topicConfig === "function") {
    const { partitions, config } = fast.topicConfig(topic);
    return { partitions, config };
  }
  const description = await broker.describeTopic(topic);
  return { partitions: description.partitions.length, config: description.config };
}
