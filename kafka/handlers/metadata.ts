/**
 * Metadata: alone, this one node leads every partition; in a cluster, the live brokers and each
 * partition's leader, replicas and ISR from the cluster's metadata. A partition marked offline reports
 * LEADER_NOT_AVAILABLE with no leader; a restarting one keeps its leader (requests to it wait
 * or get a retriable error). Unknown topics get UNKNOWN_TOPIC_OR_PARTITION, or are created when
 * the listener auto-creates and the client allows it.
 *
 * Rights, as Kafka's: the list of every topic holds only those the principal may see (read or
 * write); a topic asked for by name that it may not see gets TOPIC_AUTHORIZATION_FAILED whether
 * or not it exists (so names do not leak); auto-creation needs admin on the topic, else
 * TOPIC_AUTHORIZATION_FAILED and nothing is created.
 */
import { isRivuletError } from "../../core/errors.ts";
import type { TopicDescription } from "../../broker/types.ts";
import { authorizeTopic, mayTopic } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import type { MetadataRequest, MetadataResponse, MetadataTopic } from "../protocol/metadata/types.ts";

/** Cluster id reported to clients. */
export const clusterId = "rivulet";

function describedTopic(ctx: HandlerContext, topic: TopicDescription): MetadataTopic {
  if (ctx.cluster?.clustered) return clusteredTopic(ctx, topic);
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

/**
 * In a cluster: each partition's leader, replicas, ISR and leader epoch as the controller set
 * them; replicas on brokers that are not live are listed offline; a partition without a live
 * leader gets LEADER_NOT_AVAILABLE (clients refresh and retry).
 */
function clusteredTopic(ctx: HandlerContext, topic: TopicDescription): MetadataTopic {
  const live = new Set(ctx.cluster!.brokers().map((b) => b.id));
  return {
    errorCode: 0,
    name: topic.name,
    isInternal: topic.name.startsWith("__"),
    partitions: topic.partitions.map((p) => {
      const state = ctx.cluster!.partition(topic.name, p.partition);
      const leader = state && live.has(state.leader) ? state.leader : -1;
      const replicas = state?.replicas ?? p.replicas ?? [];
      return {
        errorCode: leader === -1 ? kafkaErrors.LEADER_NOT_AVAILABLE : 0,
        partitionIndex: p.partition,
        leaderId: leader,
        leaderEpoch: state?.leader_epoch ?? -1,
        replicaNodes: replicas,
        isrNodes: state?.isr ?? [],
        offlineReplicas: replicas.filter((id) => !live.has(id)),
      };
    }),
  };
}

async function topicMetadata(ctx: HandlerContext, name: string, allowCreate: boolean): Promise<MetadataTopic> {
  const failed = (error: unknown): MetadataTopic => ({ errorCode: kafkaErrorCode(error), name, isInternal: false, partitions: [] });
  try {
    authorizeTopic(ctx, "describe", name);
    return describedTopic(ctx, await ctx.broker.describeTopic(name));
  } catch (error) {
    if (!allowCreate || !isRivuletError(error, "unknown_topic")) return failed(error);
    try {
      authorizeTopic(ctx, "create", name);
      return describedTopic(ctx, await ctx.broker.createTopic(name, { partitions: ctx.defaultPartitions }));
    } catch (createError) {
      if (isRivuletError(createError, "topic_exists")) return describedTopic(ctx, await ctx.broker.describeTopic(name));
      return failed(createError);
    }
  }
}

export async function handleMetadata(ctx: HandlerContext, request: MetadataRequest): Promise<MetadataResponse> {
  const names = request.topics ?? (await ctx.broker.listTopics()).filter((name) => mayTopic(ctx, "describe", name));
  const allowCreate = ctx.autoCreateTopics && request.allowAutoTopicCreation && request.topics !== null;
  const topics = await Promise.all(names.map((name) => topicMetadata(ctx, name, allowCreate)));
  if (ctx.cluster?.clustered) {
    const brokers = ctx.cluster.brokers().filter((b) => b.kafka_port !== null).map((b) => ({ nodeId: b.id, host: b.host, port: b.kafka_port!, rack: null }));
    return { throttleTimeMs: 0, brokers, clusterId: ctx.cluster.clusterId, controllerId: ctx.cluster.controllerId(), topics };
  }
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: ctx.nodeId, host: ctx.host, port: ctx.port, rack: null }],
    clusterId,
    controllerId: ctx.nodeId,
    topics,
  };
}
