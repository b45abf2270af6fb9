/**
 * A topic's partition count and config, as produce needs them on every request, from the
 * broker's synchronous `topicConfig()` (no worker round trip).
 */
import { isRivuletError } from "../core/errors.ts";
import type { BrokerApi } from "../broker/types.ts";
import type { TopicConfig } from "../core/topic-config.ts";

/** Partition count and config of a topic. */
export interface TopicMeta {
  partitions: number;
  config: TopicConfig;
}

/**
 * Reads a topic's partition count and config.
 *
 * @throws {RivuletError} `unknown_topic`
 */
export async function topicMeta(broker: BrokerApi, topic: string): Promise<TopicMeta> {
  try {
    const { partitions, config } = broker.topicConfig(topic);
    return { partitions, config };
  } catch (error) {
    // a clustered broker catches up with the cluster before calling a topic unknown
    if (!isRivuletError(error, "unknown_topic") || !broker.awaitTopic) throw error;
  }
  await broker.awaitTopic(topic);
  const { partitions, config } = broker.topicConfig(topic);
  return { partitions, config };
}
