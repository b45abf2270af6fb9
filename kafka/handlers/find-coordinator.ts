/** FindCoordinator: this node coordinates every group. */
import type { HandlerContext } from "../handler-context.ts";
import type { FindCoordinatorRequest, FindCoordinatorResponse } from "../protocol/find-coordinator/types.ts";

export async function handleFindCoordinator(ctx: HandlerContext, _request: FindCoordinatorRequest): Promise<FindCoordinatorResponse> {
  return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: ctx.nodeId, host: ctx.host, port: ctx.port };
}
