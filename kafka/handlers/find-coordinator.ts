/**
 * FindCoordinator: this node coordinates every group and every transactional id. Finding a
 * group's coordinator needs the right on the group, else GROUP_AUTHORIZATION_FAILED; a
 * transactional id's (key type 1) needs the right to use transactional ids, else
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED (kafka/authorize.ts).
 */
import { authorizeGroup, authorizeTransactionalId } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode } from "../protocol/error-codes.ts";
import type { FindCoordinatorRequest, FindCoordinatorResponse } from "../protocol/find-coordinator/types.ts";

/** FindCoordinator's key types. */
const groupKeyType = 0;
const transactionKeyType = 1;

export async function handleFindCoordinator(ctx: HandlerContext, request: FindCoordinatorRequest): Promise<FindCoordinatorResponse> {
  try {
    if (request.keyType === groupKeyType) authorizeGroup(ctx, request.key);
    else if (request.keyType === transactionKeyType) authorizeTransactionalId(ctx, request.key);
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: ctx.nodeId, host: ctx.host, port: ctx.port };
  } catch (error) {
    const errorMessage = error instanceof Error ? error.message : String(error);
    return { throttleTimeMs: 0, errorCode: kafkaErrorCode(error), errorMessage, nodeId: -1, host: "", port: -1 };
  }
}
