/**
 * TxnOffsetCommit: offsets a transaction commits for a group, staged by the transaction
 * coordinator until the commit (OffsetFetch does not see them before; an abort drops them).
 * Needs the right on the group (else every partition gets GROUP_AUTHORIZATION_FAILED) and `read`
 * on each topic (else that topic's partitions get TOPIC_AUTHORIZATION_FAILED); the rest get the
 * coordinator's answer. From v3 the sending consumer's generation and member id (KIP-447) are
 * checked as OffsetCommit checks them (generation -1: not checked), so a zombie consumer gets
 * ILLEGAL_GENERATION or UNKNOWN_MEMBER_ID.
 */
import { authorizeGroup, authorizeTransactionalId, mayTopic } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from "../protocol/txn-offset-commit/types.ts";
import { coordinatorOf, transactionalRequest } from "./transaction-coordinator.ts";

export async function handleTxnOffsetCommit(ctx: HandlerContext, request: TxnOffsetCommitRequest): Promise<TxnOffsetCommitResponse> {
  const answer = (code: (topic: string) => number): TxnOffsetCommitResponse => ({
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code(t.name) })) })),
  });
  let errorCode = 0;
  try {
    authorizeTransactionalId(ctx, request.transactionalId);
    authorizeGroup(ctx, request.groupId);
    const offsets = request.topics
      .filter((t) => mayTopic(ctx, "read", t.name))
      .flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.committedMetadata })));
    const member = request.generationId >= 0 ? { generationId: request.generationId, memberId: request.memberId } : undefined;
    if (offsets.length > 0) await coordinatorOf(ctx).txnOffsetCommit(transactionalRequest(ctx, request), request.groupId, offsets, member);
  } catch (error) {
    errorCode = kafkaErrorCode(error);
    if (errorCode === kafkaErrors.GROUP_AUTHORIZATION_FAILED || errorCode === kafkaErrors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED) return answer(() => errorCode);
  }
  return answer((topic) => (mayTopic(ctx, "read", topic) ? errorCode : kafkaErrors.TOPIC_AUTHORIZATION_FAILED));
}
