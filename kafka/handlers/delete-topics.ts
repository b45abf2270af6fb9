/** DeleteTopics: one deletion per name, each with its own error code. */
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode } from "../protocol/error-codes.ts";
import type { DeleteTopicsRequest, DeleteTopicsResponse } from "../protocol/delete-topics/types.ts";

export async function handleDeleteTopics(ctx: HandlerContext, request: DeleteTopicsRequest): Promise<DeleteTopicsResponse> {
  const responses = [];
  for (const name of request.topicNames) {
    try {
      await ctx.broker.deleteTopic(name);
      responses.push({ name, errorCode: 0 });
    } catch (error) {
      responses.push({ name, errorCode: kafkaErrorCode(error) });
    }
  }
  return { throttleTimeMs: 0, responses };
}
