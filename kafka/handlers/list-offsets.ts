/**
 * ListOffsets: -1 = log end (high watermark; the last stable offset under isolation_level 1,
 * read_committed, as in Kafka), -2 = log start, else the first offset at or after a timestamp. Needs Kafka's DESCRIBE on the topic (read or write), else
 * TOPIC_AUTHORIZATION_FAILED per partition.
 */
import type { Isolation, OffsetSpec } from "../../broker/types.ts";
import { authorizeTopic } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode } from "../protocol/error-codes.ts";
import type { ListOffsetsRequest, ListOffsetsResponse, ListOffsetsPartitionResponse } from "../protocol/list-offsets/types.ts";

function specOf(timestamp: number): OffsetSpec {
  if (timestamp === -1) return "latest";
  if (timestamp === -2) return "earliest";
  return { timestamp };
}

async function one(ctx: HandlerContext, topic: string, partitionIndex: number, timestamp: number, isolation: Isolation): Promise<ListOffsetsPartitionResponse> {
  try {
    authorizeTopic(ctx, "describe", topic);
    const offset = await ctx.broker.listOffset(topic, partitionIndex, specOf(timestamp), { isolation });
    return { partitionIndex, errorCode: 0, timestamp: -1, offset };
  } catch (error) {
    return { partitionIndex, errorCode: kafkaErrorCode(error), timestamp: -1, offset: -1 };
  }
}

export async function handleListOffsets(ctx: HandlerContext, request: ListOffsetsRequest): Promise<ListOffsetsResponse> {
  const isolation: Isolation = request.isolationLevel === 1 ? "read_committed" : "read_uncommitted";
  const topics = await Promise.all(request.topics.map(async (t) => ({
    name: t.name,
    partitions: await Promise.all(t.partitions.map((p) => one(ctx, t.name, p.partitionIndex, p.timestamp, isolation))),
  })));
  return { throttleTimeMs: 0, topics };
}
