/**
 * DescribeGroups: an unknown group is "Dead" with no members and error 0, as Kafka answers. A
 * group the principal has no right on gets GROUP_AUTHORIZATION_FAILED and nothing else.
 */
import { authorizeGroup } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode } from "../protocol/error-codes.ts";
import type { DescribedGroup, DescribeGroupsRequest, DescribeGroupsResponse } from "../protocol/describe-groups/types.ts";

async function describe(ctx: HandlerContext, groupId: string): Promise<DescribedGroup> {
  try {
    authorizeGroup(ctx, groupId);
    const group = await ctx.broker.groups.describeGroup(groupId);
    return {
      errorCode: 0,
      groupId,
      groupState: group.state,
      protocolType: group.protocolType,
      protocolData: group.protocol,
      members: group.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost, memberMetadata: m.metadata, memberAssignment: m.assignment })),
    };
  } catch (error) {
    return { errorCode: kafkaErrorCode(error), groupId, groupState: "", protocolType: "", protocolData: "", members: [] };
  }
}

export async function handleDescribeGroups(ctx: HandlerContext, request: DescribeGroupsRequest): Promise<DescribeGroupsResponse> {
  return { throttleTimeMs: 0, groups: await Promise.all(request.groups.map((id) => describe(ctx, id))) };
}
