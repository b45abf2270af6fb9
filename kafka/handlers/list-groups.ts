/**
 * ListGroups: every group the coordinator knows that the principal has a right on (cluster
 * admin: all), with its protocol type.
 */
import { mayGroup } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode } from "../protocol/error-codes.ts";
import type { ListGroupsRequest, ListGroupsResponse } from "../protocol/list-groups/types.ts";

export async function handleListGroups(ctx: HandlerContext, _request: ListGroupsRequest): Promise<ListGroupsResponse> {
  try {
    const groups = await ctx.broker.groups.listGroups();
    const visible = groups.filter((g) => mayGroup(ctx, g.groupId));
    return { throttleTimeMs: 0, errorCode: 0, groups: visible.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType })) };
  } catch (error) {
    return { throttleTimeMs: 0, errorCode: kafkaErrorCode(error), groups: [] };
  }
}
