/**
 * JoinGroup: held by the coordinator until the rebalance completes. From v4 a new member
 * (empty member id) first gets MEMBER_ID_REQUIRED (79) with its id, and joins again with it.
 * Joining needs the right on the group, else GROUP_AUTHORIZATION_FAILED.
 */
import { authorizeGroup } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import type { JoinGroupRequest, JoinGroupResponse } from "../protocol/join-group/types.ts";

export async function handleJoinGroup(ctx: HandlerContext, request: JoinGroupRequest, version: number): Promise<JoinGroupResponse> {
  const failed = (errorCode: number, memberId = request.memberId): JoinGroupResponse => ({
    throttleTimeMs: 0, errorCode, generationId: -1, protocolName: "", leader: "", memberId, members: [],
  });
  try {
    authorizeGroup(ctx, request.groupId);
    const joined = await ctx.broker.groups.joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols,
      clientId: ctx.clientId ?? "",
      clientHost: ctx.clientHost,
      requireKnownMemberId: version >= 4,
    });
    if (joined.outcome === "member_id_required") return failed(kafkaErrors.MEMBER_ID_REQUIRED, joined.memberId);
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      generationId: joined.generationId,
      protocolName: joined.protocolName,
      leader: joined.leader,
      memberId: joined.memberId,
      members: joined.members.map((m) => ({ memberId: m.memberId, groupInstanceId: null, metadata: m.metadata })),
    };
  } catch (error) {
    return failed(kafkaErrorCode(error));
  }
}
