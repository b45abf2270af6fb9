/** OffsetFetch: committed offsets, -1 (and error 0) where nothing is committed; null topics = all. */
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode } from "../protocol/error-codes.ts";
import type { OffsetFetchRequest, OffsetFetchResponse, OffsetFetchTopicResponse } from "../protocol/offset-fetch/types.ts";

export async function handleOffsetFetch(ctx: HandlerContext, request: OffsetFetchRequest): Promise<OffsetFetchResponse> {
  const wanted = request.topics?.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
  try {
    const committed = await ctx.broker.groups.fetchOffsets(request.groupId, wanted);
    const byTopic = new Map<string, OffsetFetchTopicResponse>();
    for (const c of committed) {
      const topic = byTopic.get(c.topic) ?? { name: c.topic, partitions: [] };
      topic.partitions.push({ partitionIndex: c.partition, committedOffset: c.offset, metadata: c.metadata ?? "", errorCode: 0 });
      byTopic.set(c.topic, topic);
    }
    return { throttleTimeMs: 0, topics: [...byTopic.values()], errorCode: 0 };
  } catch (error) {
    const errorCode = kafkaErrorCode(error);
    const topics = (request.topics ?? []).map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, metadata: "", errorCode })),
    }));
    return { throttleTimeMs: 0, topics, errorCode };
  }
}
