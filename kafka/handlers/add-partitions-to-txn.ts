/**
 * AddPartitionsToTxn: partitions join the producer's transaction. As in Kafka, the request is
 * all or nothing: when a partition is refused (TOPIC_AUTHORIZATION_FAILED without `write` on its
 * topic, UNKNOWN_TOPIC_OR_PARTITION) none is added and the others get OPERATION_NOT_ATTEMPTED;
 * otherwise every partition gets the coordinator's answer. A fenced producer gets
 * INVALID_PRODUCER_EPOCH before v2 and PRODUCER_FENCED from v2 (KIP-588).
 */
import { authorizeTransactionalId, mayTopic } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { fencedErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from "../protocol/add-partitions-to-txn/types.ts";
import { coordinatorOf, transactionalRequest } from "./transaction-coordinator.ts";

/** First version that answers PRODUCER_FENCED. */
const producerFencedFrom = 2;

export async function handleAddPartitionsToTxn(ctx: HandlerContext, request: AddPartitionsToTxnRequest, version: number): Promise<AddPartitionsToTxnResponse> {
  const refusals = request.topics.map((topic) => topic.partitions.map((partition) => refusal(ctx, topic.name, partition)));
  const refused = refusals.some((codes) => codes.some((code) => code !== 0));
  let errorCode = 0;
  if (!refused) {
    try {
      authorizeTransactionalId(ctx, request.transactionalId);
      const partitions = request.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
      await coordinatorOf(ctx).addPartitions(transactionalRequest(ctx, request), partitions);
    } catch (error) {
      errorCode = fencedErrorCode(error, version, producerFencedFrom);
    }
  }
  return {
    throttleTimeMs: 0,
    results: request.topics.map((topic, t) => ({
      name: topic.name,
      partitions: topic.partitions.map((partitionIndex, p) => ({
        partitionIndex,
        errorCode: refused ? refusals[t][p] || kafkaErrors.OPERATION_NOT_ATTEMPTED : errorCode,
      })),
    })),
  };
}

/** Why a partition cannot join (0 when it can). */
function refusal(ctx: HandlerContext, topic: string, partition: number): number {
  if (!mayTopic(ctx, "write", topic)) return kafkaErrors.TOPIC_AUTHORIZATION_FAILED;
  let partitions: number;
  try {
    partitions = ctx.broker.topicConfig(topic).partitions;
  } catch {
    return kafkaErrors.UNKNOWN_TOPIC_OR_PARTITION;
  }
  return Number.isInteger(partition) && partition >= 0 && partition < partitions ? 0 : kafkaErrors.UNKNOWN_TOPIC_OR_PARTITION;
}
