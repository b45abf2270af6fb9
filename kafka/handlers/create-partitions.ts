/**
 * CreatePartitions: grows topics to a new partition count (BrokerApi.createPartitions). A
 * count not above the current one is INVALID_PARTITIONS, as in Kafka; explicit replica
 * assignments are accepted only when every replica is this node (a single-node broker places
 * every partition itself). `validate_only` checks without changing anything.
 *
 * Access: growing a topic needs admin rights on it (TOPIC_AUTHORIZATION_FAILED otherwise);
 * without an auth file everything is allowed.
 */
import { mayTopic } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import type { CreatePartitionsRequest, CreatePartitionsResponse, CreatePartitionsResult, CreatePartitionsTopic } from "../protocol/create-partitions/types.ts";

async function grow(ctx: HandlerContext, topic: CreatePartitionsTopic, validateOnly: boolean): Promise<CreatePartitionsResult> {
  const failed = (errorCode: number, errorMessage: string): CreatePartitionsResult => ({ name: topic.name, errorCode, errorMessage });
  if (!mayTopic(ctx, "alter", topic.name)) return failed(kafkaErrors.TOPIC_AUTHORIZATION_FAILED, `no admin access to topic ${JSON.stringify(topic.name)}`);
  try {
    const current = ctx.broker.topicConfig(topic.name).partitions;
    if (topic.count <= current) return failed(kafkaErrors.INVALID_PARTITIONS, `topic ${topic.name} has ${current} partitions; the new count must be larger`);
    if (topic.assignments !== null) {
      if (topic.assignments.length !== topic.count - current) {
        return failed(kafkaErrors.INVALID_REPLICA_ASSIGNMENT, `${topic.assignments.length} assignments for ${topic.count - current} new partitions`);
      }
      if (topic.assignments.some((replicas) => replicas.length === 0 || replicas.some((id) => id !== ctx.nodeId))) {
        return failed(kafkaErrors.INVALID_REPLICA_ASSIGNMENT, `every replica must be node ${ctx.nodeId}, the only broker`);
      }
    }
    if (!validateOnly) await ctx.broker.createPartitions(topic.name, topic.count);
    return { name: topic.name, errorCode: 0, errorMessage: null };
  } catch (error) {
    return failed(kafkaErrorCode(error), error instanceof Error ? error.message : String(error));
  }
}

export async function handleCreatePartitions(ctx: HandlerContext, request: CreatePartitionsRequest): Promise<CreatePartitionsResponse> {
  const results: CreatePartitionsResult[] = [];
  for (const topic of request.topics) results.push(await grow(ctx, topic, request.validateOnly));
  return { throttleTimeMs: 0, results };
}
