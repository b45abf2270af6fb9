/**
 * DeleteTopics: one deletion per name, each with its own error code; deleting needs admin on
 * the topic, else TOPIC_AUTHORIZATION_FAILED (before any check that it exists, as in Kafka).
 */
import { authorizeTopic } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode } from "../protocol/error-codes.ts";
import type { DeleteTopicsRequest, DeleteTopicsResponse } from "../protocol/delete-topics/types.ts";

export async function handleDeleteTopics(ctx: HandlerContext, request: DeleteTopicsRequest): Promise<DeleteTopicsResponse> {
  const responses = [];
  for (const name of request.topicNames) {
    try {
      authorizeTopic(ctx, "delete", name);
      await ctx.broker.deleteTopic(name);
      responses.push({ name, errorCode: 0 });
    } catch (error) {
      responses.push({ name, errorCode: kafkaErrorCode(error) });
    }
  }
  return { throttleTimeMs: 0, responses };
}
