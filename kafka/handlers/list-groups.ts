/**
 * ListGroups: every group the coordinator knows that the principal has a right on (cluster
 * admin: all), with its protocol type (and v4+: its state, filtered by state).
 */
import { mayGroup } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode } from "../protocol/error-codes.ts";
import type { ListGroupsRequest, ListGroupsResponse } from "../protocol/list-groups/types.ts";

/** "PreparingRebalance", "preparingrebalance" and "PREPARING_REBALANCE" name one state (v4 filters). */
const stateKey = (state: string): string => state.replaceAll("_", "").toLowerCase();

export async function handleListGroups(ctx: HandlerContext, request: ListGroupsRequest): Promise<ListGroupsResponse> {
  try {
    const groups = await ctx.broker.groups.listGroups();
    const states = request.statesFilter?.length ? new Set(request.statesFilter.map(stateKey)) : null;
    const listed = groups.filter((g) => mayGroup(ctx, g.groupId) && (!states || states.has(stateKey(g.state))));
    return { throttleTimeMs: 0, errorCode: 0, groups: listed.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state })) };
  } catch (error) {
    return { throttleTimeMs: 0, errorCode: kafkaErrorCode(error), groups: [] };
  }
}
