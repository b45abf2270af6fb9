/**
 * Heartbeat: REBALANCE_IN_PROGRESS (27) during a rebalance is how members learn to rejoin.
 * Needs the right on the group, else GROUP_AUTHORIZATION_FAILED.
 */
import { authorizeGroup } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode } from "../protocol/error-codes.ts";
import type { HeartbeatRequest, HeartbeatResponse } from "../protocol/heartbeat/types.ts";

export async function handleHeartbeat(ctx: HandlerContext, request: HeartbeatRequest): Promise<HeartbeatResponse> {
  try {
    authorizeGroup(ctx, request.groupId);
    await ctx.broker.groups.heartbeat(request.groupId, request.generationId, request.memberId);
    return { throttleTimeMs: 0, errorCode: 0 };
  } catch (error) {
    return { throttleTimeMs: 0, errorCode: kafkaErrorCode(error) };
  }
}
