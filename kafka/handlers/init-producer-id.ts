/**
 * InitProducerId: without a transactional id, a fresh producer id (epoch 0) for an idempotent
 * producer, which needs write on some topic (Kafka's IDEMPOTENT_WRITE, implied by WRITE on any
 * topic since KIP-679), else CLUSTER_AUTHORIZATION_FAILED. With one, the transaction
 * coordinator's answer: the id's producer at its next epoch, fencing the previous holder and
 * aborting its open transaction (see transactions/transaction-coordinator.ts); from v4 a fenced
 * producer gets PRODUCER_FENCED (KIP-588) instead of INVALID_PRODUCER_EPOCH.
 */
import { authorizeIdempotentWrite, authorizeTransactionalId, transactionPrincipal } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { fencedErrorCode, kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import type { InitProducerIdRequest, InitProducerIdResponse } from "../protocol/init-producer-id/types.ts";
import { coordinatorOf } from "./transaction-coordinator.ts";

/** First version that answers PRODUCER_FENCED. */
const producerFencedFrom = 4;

export async function handleInitProducerId(ctx: HandlerContext, request: InitProducerIdRequest, version: number): Promise<InitProducerIdResponse> {
  const failed = (errorCode: number): InitProducerIdResponse => ({ throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 });
  const transactionalId = request.transactionalId;
  if (transactionalId !== null) {
    try {
      authorizeTransactionalId(ctx, transactionalId);
      const { producerId, producerEpoch } = await coordinatorOf(ctx).initProducerId({
        transactionalId,
        transactionTimeoutMs: request.transactionTimeoutMs,
        producerId: request.producerId ?? -1,
        producerEpoch: request.producerEpoch ?? -1,
        principal: transactionPrincipal(ctx),
      });
      return { throttleTimeMs: 0, errorCode: 0, producerId, producerEpoch };
    } catch (error) {
      return failed(fencedErrorCode(error, version, producerFencedFrom));
    }
  }
  if (!ctx.broker.allocateProducerId) return failed(kafkaErrors.INVALID_REQUEST);
  try {
    authorizeIdempotentWrite(ctx);
    return { throttleTimeMs: 0, errorCode: 0, producerId: await ctx.broker.allocateProducerId(), producerEpoch: 0 };
  } catch (error) {
    return failed(kafkaErrorCode(error));
  }
}
