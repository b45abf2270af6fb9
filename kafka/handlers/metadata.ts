/**
 * Metadata: this one node leads every partition. A partition marked offline reports
 * LEADER_NOT_AVAILABLE with no leader; a restarting one keeps its leader (requests to it wait
 * or get a retriable error). Unknown topics get UNKNOWN_TOPIC_OR_PARTITION, or are created when
 * the listener auto-creates and the client allows it.
 */
import { isRivuletError } from "../../core/errors.ts";
import type { TopicDescription } from "../../broker/types.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import type { MetadataRequest, MetadataResponse, MetadataTopic } from "../protocol/metadata/types.ts";

/** Cluster id reported to clients. */
export const clusterId = "rivulet";

function describedTopic(ctx: HandlerContext, topic: TopicDescription): MetadataTopic {
  const nodes = [ctx.nodeId];
  return {
    errorCode: 0,
    name: topic.name,
    isInternal: topic.name.startsWith("__"),
    partitions: topic.partitions.map((p) => {
      const offline = p.status === "offline";
      return {
        errorCode: offline ? kafkaErrors.LEADER_NOT_AVAILABLE : 0,
        partitionIndex: p.partition,
        leaderId: offline ? -1 : ctx.nodeId,
        replicaNodes: nodes,
        isrNodes: offline ? [] : nodes,
        offlineReplicas: offline ? nodes : [],
      };
    }),
  };
}

async function topicMetadata(ctx: HandlerContext, name: string, allowCreate: boolean): Promise<MetadataTopic> {
  try {
    return describedTopic(ctx, await ctx.broker.describeTopic(name));
  } catch (error) {
    if (allowCreate && isRivuletError(error, "unknown_topic")) {
      try {
        return describedTopic(ctx, await ctx.broker.createTopic(name, { partitions: ctx.defaultPartitions }));
      } catch (createError) {
        if (isRivuletError(createError, "topic_exists")) return describedTopic(ctx, await ctx.broker.describeTopic(name));
        return { errorCode: kafkaErrorCode(createError), name, isInternal: false, partitions: [] };
      }
    }
    return { errorCode: kafkaErrorCode(error), name, isInternal: false, partitions: [] };
  }
}

export async function handleMetadata(ctx: HandlerContext, request: MetadataRequest): Promise<MetadataResponse> {
  const names = request.topics ?? (await ctx.broker.listTopics());
  const allowCreate = ctx.autoCreateTopics && request.allowAutoTopicCreation && request.topics !== null;
  const topics = await Promise.all(names.map((name) => topicMetadata(ctx, name, allowCreate)));
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: ctx.nodeId, host: ctx.host, port: ctx.port, rack: null }],
    clusterId,
    controllerId: ctx.nodeId,
    topics,
  };
}
