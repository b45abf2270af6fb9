/**
 * FindCoordinator: alone, this node coordinates every group and every transactional id. In a
 * cluster, a group's coordinator is the leader of the group's offsets partition
 * (`__consumer_offsets` partition 0, created by the controller on first use, as Kafka creates
 * its offsets topic), COORDINATOR_NOT_AVAILABLE (retriable) while it has no live leader;
 * transactional ids (key type 1) are still coordinated by the broker asked (transactions are
 * not clustered yet). Finding a group's coordinator needs the right on the group, else
 * GROUP_AUTHORIZATION_FAILED; a transactional id's needs the right to use transactional ids,
 * else TRANSACTIONAL_ID_AUTHORIZATION_FAILED (kafka/authorize.ts).
 */
import { authorizeGroup, authorizeTransactionalId } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import { isRivuletError } from "../../core/errors.ts";
import { OFFSETS_TOPIC } from "../../groups/offset-log.ts";
import type { FindCoordinatorRequest, FindCoordinatorResponse } from "../protocol/find-coordinator/types.ts";

/** FindCoordinator's key types. */
const groupKeyType = 0;
const transactionKeyType = 1;

/** The leader of the offsets partition, creating the offsets topic cluster-wide when missing. */
async function clusteredCoordinator(ctx: HandlerContext): Promise<FindCoordinatorResponse> {
  const cluster = ctx.cluster!;
  if (!cluster.partition(OFFSETS_TOPIC, 0)) {
    try {
      await ctx.broker.createTopic(OFFSETS_TOPIC, { partitions: 1, config: { "cleanup.policy": "compact" }, internal: true });
    } catch (error) {
      if (!isRivuletError(error, "topic_exists")) throw error;
    }
  }
  const state = cluster.partition(OFFSETS_TOPIC, 0);
  const leader = state ? cluster.brokers().find((b) => b.id === state.leader && b.kafka_port !== null) : undefined;
  if (!leader) {
    return { throttleTimeMs: 0, errorCode: kafkaErrors.COORDINATOR_NOT_AVAILABLE, errorMessage: `${OFFSETS_TOPIC} has no live leader yet`, nodeId: -1, host: "", port: -1 };
  }
  return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: leader.id, host: leader.host, port: leader.kafka_port! };
}

export async function handleFindCoordinator(ctx: HandlerContext, request: FindCoordinatorRequest): Promise<FindCoordinatorResponse> {
  try {
    if (request.keyType === groupKeyType) authorizeGroup(ctx, request.key);
    else if (request.keyType === transactionKeyType) authorizeTransactionalId(ctx, request.key);
    if (request.keyType === groupKeyType && ctx.cluster?.clustered) return await clusteredCoordinator(ctx);
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: ctx.nodeId, host: ctx.host, port: ctx.port };
  } catch (error) {
    const errorMessage = error instanceof Error ? error.message : String(error);
    return { throttleTimeMs: 0, errorCode: kafkaErrorCode(error), errorMessage, nodeId: -1, host: "", port: -1 };
  }
}
