/**
 * EndTxn: commits or aborts the producer's transaction; answered once the outcome is durable and
 * its markers (and, on commit, its offsets) are written, or left to retries when a partition
 * cannot take its marker yet. A fenced producer gets PRODUCER_FENCED from v2.
 */
import { authorizeTransactionalId } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { fencedErrorCode } from "../protocol/error-codes.ts";
import type { EndTxnRequest, EndTxnResponse } from "../protocol/end-txn/types.ts";
import { coordinatorOf, transactionalRequest } from "./transaction-coordinator.ts";

/** First version that answers PRODUCER_FENCED. */
const producerFencedFrom = 2;

export async function handleEndTxn(ctx: HandlerContext, request: EndTxnRequest, version: number): Promise<EndTxnResponse> {
  try {
    authorizeTransactionalId(ctx, request.transactionalId);
    await coordinatorOf(ctx).endTxn(transactionalRequest(ctx, request), request.committed);
    return { throttleTimeMs: 0, errorCode: 0 };
  } catch (error) {
    return { throttleTimeMs: 0, errorCode: fencedErrorCode(error, version, producerFencedFrom) };
  }
}
