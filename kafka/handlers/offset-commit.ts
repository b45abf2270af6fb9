/**
 * OffsetCommit: one commit for the whole request (the coordinator stores it durably, all or
 * nothing); its outcome is every partition's error code. -1 and -2 are stored as given.
 */
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode } from "../protocol/error-codes.ts";
import type { OffsetCommitRequest, OffsetCommitResponse } from "../protocol/offset-commit/types.ts";

export async function handleOffsetCommit(ctx: HandlerContext, request: OffsetCommitRequest): Promise<OffsetCommitResponse> {
  const offsets = request.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.committedMetadata })));
  let errorCode = 0;
  try {
    await ctx.broker.groups.commitOffsets(request.groupId, request.generationId, request.memberId, offsets);
  } catch (error) {
    errorCode = kafkaErrorCode(error);
  }
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
  };
}
