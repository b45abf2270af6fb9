/**
 * CreateTopics: num_partitions -1 means the listener's default; replication_factor -1 means
 * the cluster's default, min(3, live brokers) (a broker alone accepts any factor: it holds the
 * one copy; in a cluster a factor above the live brokers gets INVALID_REPLICATION_FACTOR); config values are passed as strings for the broker
 * to validate; validate_only checks the name and stops. Creating a topic (even validate_only)
 * needs admin on its name, else TOPIC_AUTHORIZATION_FAILED for that topic.
 */
import { validateTopicName } from "../../core/topic-name.ts";
import { authorizeTopic } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode } from "../protocol/error-codes.ts";
import type { CreatableTopic, CreateTopicsRequest, CreateTopicsResponse } from "../protocol/create-topics/types.ts";

async function create(ctx: HandlerContext, topic: CreatableTopic, validateOnly: boolean): Promise<CreateTopicsResponse["topics"][number]> {
  try {
    authorizeTopic(ctx, "create", topic.name);
    const partitions = topic.numPartitions === -1 ? (topic.assignments.length || ctx.defaultPartitions) : topic.numPartitions;
    const config: Record<string, string> = {};
    for (const { name, value } of topic.configs) if (value !== null) config[name] = value;
    const asked = topic.replicationFactor > 0 ? topic.replicationFactor : topic.assignments[0]?.brokerIds.length || undefined;
    if (validateOnly) {
      validateTopicName(topic.name);
      return { name: topic.name, errorCode: 0, errorMessage: null, numPartitions: partitions, replicationFactor: asked ?? 1 };
    }
    const created = await ctx.broker.createTopic(topic.name, { partitions, config, replicationFactor: ctx.cluster?.clustered ? asked : undefined });
    return { name: topic.name, errorCode: 0, errorMessage: null, numPartitions: partitions, replicationFactor: created.partitions[0]?.replicas?.length ?? 1 };
  } catch (error) {
    return { name: topic.name, errorCode: kafkaErrorCode(error), errorMessage: error instanceof Error ? error.message : String(error) };
  }
}

export async function handleCreateTopics(ctx: HandlerContext, request: CreateTopicsRequest): Promise<CreateTopicsResponse> {
  const topics = [];
  for (const topic of request.topics) topics.push(await create(ctx, topic, request.validateOnly));
  return { throttleTimeMs: 0, topics };
}
