/**
 * FindCoordinator: this node coordinates every group. Finding a group's coordinator needs the
 * right on the group, else GROUP_AUTHORIZATION_FAILED; transactional ids (key type 1) are
 * answered as before, since no transactional API is implemented to use them.
 */
import { authorizeGroup } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode } from "../protocol/error-codes.ts";
import type { FindCoordinatorRequest, FindCoordinatorResponse } from "../protocol/find-coordinator/types.ts";

/** FindCoordinator's key type for a consumer group. */
const groupKeyType = 0;

export async function handleFindCoordinator(ctx: HandlerContext, request: FindCoordinatorRequest): Promise<FindCoordinatorResponse> {
  try {
    if (request.keyType === groupKeyType) authorizeGroup(ctx, request.key);
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: ctx.nodeId, host: ctx.host, port: ctx.port };
  } catch (error) {
    const errorMessage = error instanceof Error ? error.message : String(error);
    return { throttleTimeMs: 0, errorCode: kafkaErrorCode(error), errorMessage, nodeId: -1, host: "", port: -1 };
  }
}
