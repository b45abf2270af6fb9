/**
 * Batched requests of newer versions, answered with the one-item handlers: FindCoordinator v4
 * names several keys and OffsetFetch v8 several groups. The codec keeps them in `keys` /
 * `groups`; these wrappers run the one-item handler per item (so every check it makes applies
 * to each) and fill the batched response. Older versions pass straight through.
 */
import type { Handler, HandlerContext } from "../handler-context.ts";
import type { FindCoordinatorRequest, FindCoordinatorResponse } from "../protocol/find-coordinator/types.ts";
import type { OffsetFetchRequest, OffsetFetchResponse } from "../protocol/offset-fetch/types.ts";

/** FindCoordinator with v4's `keys` answered key by key. */
export function batchedFindCoordinator(one: Handler<"FindCoordinator">): Handler<"FindCoordinator"> {
  return async (ctx: HandlerContext, request: FindCoordinatorRequest, version: number): Promise<FindCoordinatorResponse | null> => {
    if (!request.keys) return one(ctx, request, version);
    const coordinators = [];
    for (const key of request.keys) {
      const answer = await one(ctx, { key, keyType: request.keyType }, version);
      if (!answer) continue;
      const { nodeId, host, port, errorCode, errorMessage } = answer;
      coordinators.push({ key, nodeId, host, port, errorCode, errorMessage });
    }
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: -1, host: "", port: -1, coordinators };
  };
}

/** OffsetFetch with v8's `groups` answered group by group. */
export function batchedOffsetFetch(one: Handler<"OffsetFetch">): Handler<"OffsetFetch"> {
  return async (ctx: HandlerContext, request: OffsetFetchRequest, version: number): Promise<OffsetFetchResponse | null> => {
    if (!request.groups) return one(ctx, request, version);
    const groups = [];
    for (const group of request.groups) {
      const answer = await one(ctx, { groupId: group.groupId, topics: group.topics, requireStable: request.requireStable }, version);
      if (answer) groups.push({ groupId: group.groupId, topics: answer.topics, errorCode: answer.errorCode });
    }
    return { throttleTimeMs: 0, topics: [], errorCode: 0, groups };
  };
}
