/**
 * AddOffsetsToTxn: a consumer group's offsets join the producer's transaction (its
 * TxnOffsetCommits then wait for the commit). Needs the right on the group, else
 * GROUP_AUTHORIZATION_FAILED. A fenced producer gets PRODUCER_FENCED from v2.
 */
import { authorizeGroup, authorizeTransactionalId } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { fencedErrorCode } from "../protocol/error-codes.ts";
import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from "../protocol/add-offsets-to-txn/types.ts";
import { coordinatorOf, transactionalRequest } from "./transaction-coordinator.ts";

/** First version that answers PRODUCER_FENCED. */
const producerFencedFrom = 2;

export async function handleAddOffsetsToTxn(ctx: HandlerContext, request: AddOffsetsToTxnRequest, version: number): Promise<AddOffsetsToTxnResponse> {
  try {
    authorizeTransactionalId(ctx, request.transactionalId);
    authorizeGroup(ctx, request.groupId);
    await coordinatorOf(ctx).addOffsets(transactionalRequest(ctx, request), request.groupId);
    return { throttleTimeMs: 0, errorCode: 0 };
  } catch (error) {
    return { throttleTimeMs: 0, errorCode: fencedErrorCode(error, version, producerFencedFrom) };
  }
}
