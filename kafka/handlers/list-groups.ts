/** ListGroups: every group the coordinator knows, with its protocol type. */
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode } from "../protocol/error-codes.ts";
import type { ListGroupsRequest, ListGroupsResponse } from "../protocol/list-groups/types.ts";

export async function handleListGroups(ctx: HandlerContext, _request: ListGroupsRequest): Promise<ListGroupsResponse> {
  try {
    const groups = await ctx.broker.groups.listGroups();
    return { throttleTimeMs: 0, errorCode: 0, groups: groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType })) };
  } catch (error) {
    return { throttleTimeMs: 0, errorCode: kafkaErrorCode(error), groups: [] };
  }
}
