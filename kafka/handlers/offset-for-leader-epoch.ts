/**
 * OffsetForLeaderEpoch: where a leader epoch ends in each partition, answered by the partition
 * (Kafka's rules: a `current_leader_epoch` older than the partition's is FENCED_LEADER_EPOCH, a
 * newer one UNKNOWN_LEADER_EPOCH; an epoch the log does not know answers -1/-1 with no error).
 * Allowed, as in Kafka, to a cluster admin (a follower) or to anyone who may see the topic (a
 * consumer checking for truncation, KIP-320); others get TOPIC_AUTHORIZATION_FAILED. A request
 * naming a follower (replica_id ≥ 0) is a follower's and needs the cluster right whatever the
 * topic, as in Kafka: CLUSTER_AUTHORIZATION_FAILED otherwise.
 */
import { mayCluster, mayTopic } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import type { EpochEndOffsetResult, OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse, OffsetForLeaderPartition } from "../protocol/offsets-for-leader-epoch/types.ts";

async function one(ctx: HandlerContext, topic: string, p: OffsetForLeaderPartition): Promise<EpochEndOffsetResult> {
  const failed = (errorCode: number): EpochEndOffsetResult => ({ errorCode, partition: p.partition, leaderEpoch: -1, endOffset: -1 });
  if (!ctx.broker.endOffsetForEpoch) return failed(kafkaErrors.UNKNOWN_SERVER_ERROR);
  try {
    const found = await ctx.broker.endOffsetForEpoch(topic, p.partition, p.leaderEpoch, p.currentLeaderEpoch);
    return { errorCode: kafkaErrors.NONE, partition: p.partition, leaderEpoch: found.epoch, endOffset: found.endOffset };
  } catch (error) {
    return failed(kafkaErrorCode(error));
  }
}

export async function handleOffsetForLeaderEpoch(ctx: HandlerContext, request: OffsetForLeaderEpochRequest): Promise<OffsetForLeaderEpochResponse> {
  const admin = mayCluster(ctx);
  const follower = request.replicaId >= 0;
  const topics = await Promise.all(request.topics.map(async (t) => {
    const allowed = admin || (!follower && mayTopic(ctx, "describe", t.topic));
    const refusal = follower ? kafkaErrors.CLUSTER_AUTHORIZATION_FAILED : kafkaErrors.TOPIC_AUTHORIZATION_FAILED;
    const partitions = allowed
      ? await Promise.all(t.partitions.map((p) => one(ctx, t.topic, p)))
      : t.partitions.map((p) => ({ errorCode: refusal, partition: p.partition, leaderEpoch: -1, endOffset: -1 }));
    return { topic: t.topic, partitions };
  }));
  return { throttleTimeMs: 0, topics };
}
