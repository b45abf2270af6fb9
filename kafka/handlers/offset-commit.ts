/**
 * OffsetCommit: one commit for the whole request (the coordinator stores it durably, all or
 * nothing); its outcome is every partition's error code. -1 and -2 are stored as given.
 *
 * Rights, as Kafka's: without the right on the group, every partition gets
 * GROUP_AUTHORIZATION_FAILED and nothing is committed; partitions of topics the principal may
 * not read get TOPIC_AUTHORIZATION_FAILED and are left out of the commit, which stores the
 * others (none at all when every topic was refused).
 */
import { authorizeGroup, mayTopic } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import type { OffsetCommitRequest, OffsetCommitResponse } from "../protocol/offset-commit/types.ts";

function respond(request: OffsetCommitRequest, errorCodeOf: (topic: string) => number): OffsetCommitResponse {
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errorCodeOf(t.name) })) })),
  };
}

export async function handleOffsetCommit(ctx: HandlerContext, request: OffsetCommitRequest): Promise<OffsetCommitResponse> {
  try {
    authorizeGroup(ctx, request.groupId);
  } catch (error) {
    const errorCode = kafkaErrorCode(error);
    return respond(request, () => errorCode);
  }
  const readable = request.topics.filter((t) => mayTopic(ctx, "read", t.name));
  const offsets = readable.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.committedMetadata })));
  let errorCode = 0;
  if (offsets.length > 0 || readable.length === request.topics.length) {
    try {
      await ctx.broker.groups.commitOffsets(request.groupId, request.generationId, request.memberId, offsets);
    } catch (error) {
      errorCode = kafkaErrorCode(error);
    }
  }
  const allowed = new Set(readable.map((t) => t.name));
  return respond(request, (topic) => (allowed.has(topic) ? errorCode : kafkaErrors.TOPIC_AUTHORIZATION_FAILED));
}
