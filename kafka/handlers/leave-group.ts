/**
 * LeaveGroup: v0-2 name one member and carry one error; v3 names several and answers each, so
 * members leave one call at a time to learn each outcome. Leaving needs the right on the
 * group, else GROUP_AUTHORIZATION_FAILED at the top level (as Kafka answers in every version)
 * and for every member named.
 */
import { authorizeGroup } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode } from "../protocol/error-codes.ts";
import type { LeaveGroupRequest, LeaveGroupResponse } from "../protocol/leave-group/types.ts";

async function leave(ctx: HandlerContext, groupId: string, memberId: string): Promise<number> {
  try {
    await ctx.broker.groups.leaveGroup(groupId, [memberId]);
    return 0;
  } catch (error) {
    return kafkaErrorCode(error);
  }
}

export async function handleLeaveGroup(ctx: HandlerContext, request: LeaveGroupRequest, version: number): Promise<LeaveGroupResponse> {
  try {
    authorizeGroup(ctx, request.groupId);
  } catch (error) {
    const errorCode = kafkaErrorCode(error);
    return { throttleTimeMs: 0, errorCode, members: request.members.map((member) => ({ ...member, errorCode })) };
  }
  const members: LeaveGroupResponse["members"] = [];
  for (const member of request.members) members.push({ ...member, errorCode: await leave(ctx, request.groupId, member.memberId) });
  const errorCode = version < 3 ? (members[0]?.errorCode ?? 0) : 0;
  return { throttleTimeMs: 0, errorCode, members };
}
