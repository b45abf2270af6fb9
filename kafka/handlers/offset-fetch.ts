/**
 * OffsetFetch: committed offsets, -1 (and error 0) where nothing is committed; null topics = all.
 *
 * Rights, as Kafka's: without the right on the group, GROUP_AUTHORIZATION_FAILED (top level and
 * every partition asked for); a topic asked for by name that the principal may not see (read or
 * write) gets TOPIC_AUTHORIZATION_FAILED per partition and offset -1; when every topic is asked
 * for, those it may not see are left out.
 */
import { authorizeGroup, mayTopic } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import type { OffsetFetchRequest, OffsetFetchResponse, OffsetFetchTopic, OffsetFetchTopicResponse } from "../protocol/offset-fetch/types.ts";

function unfetched(topics: OffsetFetchTopic[], errorCode: number): OffsetFetchTopicResponse[] {
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, metadata: "", errorCode })),
  }));
}

export async function handleOffsetFetch(ctx: HandlerContext, request: OffsetFetchRequest): Promise<OffsetFetchResponse> {
  const visible = request.topics?.filter((t) => mayTopic(ctx, "describe", t.name));
  const refused = request.topics?.filter((t) => !mayTopic(ctx, "describe", t.name)) ?? [];
  const wanted = visible?.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
  try {
    authorizeGroup(ctx, request.groupId);
    const committed = wanted?.length === 0 ? [] : await ctx.broker.groups.fetchOffsets(request.groupId, wanted);
    const byTopic = new Map<string, OffsetFetchTopicResponse>();
    for (const c of committed) {
      if (!mayTopic(ctx, "describe", c.topic)) continue;
      const topic = byTopic.get(c.topic) ?? { name: c.topic, partitions: [] };
      topic.partitions.push({ partitionIndex: c.partition, committedOffset: c.offset, metadata: c.metadata ?? "", errorCode: 0 });
      byTopic.set(c.topic, topic);
    }
    const topics = [...byTopic.values(), ...unfetched(refused, kafkaErrors.TOPIC_AUTHORIZATION_FAILED)];
    return { throttleTimeMs: 0, topics, errorCode: 0 };
  } catch (error) {
    const errorCode = kafkaErrorCode(error);
    return { throttleTimeMs: 0, topics: unfetched(request.topics ?? [], errorCode), errorCode };
  }
}
