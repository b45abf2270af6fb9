/**
 * FindCoordinator: alone, this node coordinates every group and every transactional id. In a
 * cluster, a group's coordinator is the leader of the group's offsets partition
 * (`__consumer_offsets` partition 0, created by the controller on first use, as Kafka creates
 * its offsets topic), and a transactional id's (key type 1) the leader of its
 * `__transaction_state` partition (Kafka's `abs(hashCode(id)) % partitions`, the topic created
 * on first use with the local topic's partition count); COORDINATOR_NOT_AVAILABLE (retriable)
 * while that partition has no live leader. Finding a group's coordinator needs the right on the
 * group, else GROUP_AUTHORIZATION_FAILED; a transactional id's needs the right to use
 * transactional ids, else TRANSACTIONAL_ID_AUTHORIZATION_FAILED (kafka/authorize.ts).
 */
import { authorizeGroup, authorizeTransactionalId } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import { isRivuletError } from "../../core/errors.ts";
import { OFFSETS_TOPIC } from "../../groups/offset-log.ts";
import { TRANSACTION_STATE_TOPIC, transactionPartitionFor } from "../../transactions/transaction-log.ts";
import type { FindCoordinatorRequest, FindCoordinatorResponse } from "../protocol/find-coordinator/types.ts";

/** FindCoordinator's key types. */
const groupKeyType = 0;
const transactionKeyType = 1;

/** The cluster's internal topic, created cluster-wide when missing (with the local topic's partition count, else 1). */
async function internalTopic(ctx: HandlerContext, topic: string): Promise<void> {
  if (ctx.cluster!.partition(topic, 0)) return;
  let partitions = 1;
  try {
    partitions = ctx.broker.topicConfig(topic).partitions;
  } catch {
    // not open here: one partition, as Kafka's default for a missing internal topic here
  }
  try {
    await ctx.broker.createTopic(topic, { partitions, config: { "cleanup.policy": "compact" }, internal: true });
  } catch (error) {
    if (!isRivuletError(error, "topic_exists")) throw error;
  }
}

/** The leader of the coordinator's partition of an internal topic, creating the topic cluster-wide when missing. */
async function clusteredCoordinator(ctx: HandlerContext, topic: string, partitionOf: (partitions: number) => number): Promise<FindCoordinatorResponse> {
  const cluster = ctx.cluster!;
  await internalTopic(ctx, topic);
  let partitions = 1;
  try {
    partitions = ctx.broker.topicConfig(topic).partitions;
  } catch {
    // the topic just created and not open here yet: its partition 0 answers below
  }
  const partition = partitionOf(partitions);
  const state = cluster.partition(topic, partition);
  const leader = state ? cluster.brokers().find((b) => b.id === state.leader && b.kafka_port !== null) : undefined;
  if (!leader) {
    return { throttleTimeMs: 0, errorCode: kafkaErrors.COORDINATOR_NOT_AVAILABLE, errorMessage: `${topic} partition ${partition} has no live leader yet`, nodeId: -1, host: "", port: -1 };
  }
  return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: leader.id, host: leader.host, port: leader.kafka_port! };
}

export async function handleFindCoordinator(ctx: HandlerContext, request: FindCoordinatorRequest): Promise<FindCoordinatorResponse> {
  try {
    if (request.keyType === groupKeyType) authorizeGroup(ctx, request.key);
    else if (request.keyType === transactionKeyType) authorizeTransactionalId(ctx, request.key);
    if (request.keyType === groupKeyType && ctx.cluster?.clustered) return await clusteredCoordinator(ctx, OFFSETS_TOPIC, () => 0);
    if (request.keyType === transactionKeyType && ctx.cluster?.clustered) {
      return await clusteredCoordinator(ctx, TRANSACTION_STATE_TOPIC, (partitions) => transactionPartitionFor(request.key, partitions));
    }
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: ctx.nodeId, host: ctx.host, port: ctx.port };
  } catch (error) {
    const errorMessage = error instanceof Error ? error.message : String(error);
    return { throttleTimeMs: 0, errorCode: kafkaErrorCode(error), errorMessage, nodeId: -1, host: "", port: -1 };
  }
}
