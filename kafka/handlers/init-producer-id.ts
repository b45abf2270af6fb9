/**
 * InitProducerId: a fresh producer id (epoch 0) for an idempotent producer. Transactions are
 * not implemented: a transactional id gets INVALID_REQUEST, so the client fails at once rather
 * than retrying. An idempotent producer needs write on some topic (Kafka's IDEMPOTENT_WRITE,
 * implied by WRITE on any topic since KIP-679), else CLUSTER_AUTHORIZATION_FAILED.
 */
import { authorizeIdempotentWrite } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import type { InitProducerIdRequest, InitProducerIdResponse } from "../protocol/init-producer-id/types.ts";

export async function handleInitProducerId(ctx: HandlerContext, request: InitProducerIdRequest): Promise<InitProducerIdResponse> {
  const failed = (errorCode: number): InitProducerIdResponse => ({ throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 });
  if (request.transactionalId !== null || !ctx.broker.allocateProducerId) return failed(kafkaErrors.INVALID_REQUEST);
  try {
    authorizeIdempotentWrite(ctx);
    return { throttleTimeMs: 0, errorCode: 0, producerId: await ctx.broker.allocateProducerId(), producerEpoch: 0 };
  } catch (error) {
    return failed(kafkaErrorCode(error));
  }
}
