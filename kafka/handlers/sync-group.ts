/**
 * SyncGroup: held until the leader's assignment arrives; a member with no entry gets empty
 * bytes. Needs the right on the group, else GROUP_AUTHORIZATION_FAILED.
 */
import { authorizeGroup } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode } from "../protocol/error-codes.ts";
import type { SyncGroupRequest, SyncGroupResponse } from "../protocol/sync-group/types.ts";

export async function handleSyncGroup(ctx: HandlerContext, request: SyncGroupRequest): Promise<SyncGroupResponse> {
  try {
    authorizeGroup(ctx, request.groupId);
    const assignment = await ctx.broker.groups.syncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      assignments: request.assignments,
    });
    return { throttleTimeMs: 0, errorCode: 0, assignment };
  } catch (error) {
    return { throttleTimeMs: 0, errorCode: kafkaErrorCode(error), assignment: new Uint8Array(0) };
  }
}
