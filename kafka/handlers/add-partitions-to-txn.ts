/**
 * AddPartitionsToTxn: partitions join the producer's transaction. As in Kafka, the request is
 * all or nothing: when a partition is refused (TOPIC_AUTHORIZATION_FAILED without `write` on its
 * topic, UNKNOWN_TOPIC_OR_PARTITION) none is added and the others get OPERATION_NOT_ATTEMPTED;
 * otherwise every partition gets the coordinator's answer. A fenced producer gets
 * INVALID_PRODUCER_EPOCH before v2 and PRODUCER_FENCED from v2 (KIP-588).
 *
 * v4 (KIP-890) carries several transactions, each answered on its own. A transaction with
 * `verify_only` is a partition leader asking whether a transactional batch may be appended:
 * each partition gets 0 when it is in the producer's Ongoing transaction, else the
 * coordinator's refusal (INVALID_TXN_STATE, PRODUCER_FENCED, INVALID_PRODUCER_ID_MAPPING,
 * NOT_COORDINATOR). Verifying, or naming more than one transaction, is a broker's request and
 * needs the cluster right (else CLUSTER_AUTHORIZATION_FAILED for the request); a client's v4
 * request (one transaction, adding) is authorized as the earlier versions are.
 */
import { authorizeTransactionalId, mayCluster, mayTopic, transactionPrincipal } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { fencedErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse, AddPartitionsToTxnTopicResult, AddPartitionsToTxnTransaction } from "../protocol/add-partitions-to-txn/types.ts";
import { coordinatorOf, transactionalRequest } from "./transaction-coordinator.ts";

/** First version that answers PRODUCER_FENCED. */
const producerFencedFrom = 2;

export async function handleAddPartitionsToTxn(ctx: HandlerContext, request: AddPartitionsToTxnRequest, version: number): Promise<AddPartitionsToTxnResponse> {
  if (request.transactions) return handleBatch(ctx, request.transactions, version);
  return { throttleTimeMs: 0, results: await addOne(ctx, request, version) };
}

/** v4+: each transaction answered on its own. */
async function handleBatch(ctx: HandlerContext, transactions: AddPartitionsToTxnTransaction[], version: number): Promise<AddPartitionsToTxnResponse> {
  const brokerRequest = transactions.length > 1 || transactions.some((t) => t.verifyOnly);
  if (brokerRequest && !mayCluster(ctx)) return { throttleTimeMs: 0, results: [], errorCode: kafkaErrors.CLUSTER_AUTHORIZATION_FAILED, resultsByTransaction: [] };
  const resultsByTransaction = await Promise.all(transactions.map(async (txn) => ({
    transactionalId: txn.transactionalId,
    topics: txn.verifyOnly ? await verify(ctx, txn, version) : await addOne(ctx, txn, version),
  })));
  return { throttleTimeMs: 0, results: [], errorCode: 0, resultsByTransaction };
}

/** KIP-890's verification, partition by partition, by this broker's coordinator of the id. */
async function verify(ctx: HandlerContext, txn: AddPartitionsToTxnTransaction, version: number): Promise<AddPartitionsToTxnTopicResult[]> {
  let ready: unknown = null;
  try {
    await coordinatorOf(ctx).load();
  } catch (error) {
    ready = error;
  }
  const request = { transactionalId: txn.transactionalId, producerId: txn.producerId, producerEpoch: txn.producerEpoch, principal: transactionPrincipal(ctx) };
  return txn.topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map((partitionIndex) => {
      try {
        if (ready) throw ready;
        coordinatorOf(ctx).verifyHere(request, topic.name, partitionIndex);
        return { partitionIndex, errorCode: 0 };
      } catch (error) {
        return { partitionIndex, errorCode: fencedErrorCode(error, version, producerFencedFrom) };
      }
    }),
  }));
}

/** v0-3, and a v4 transaction that adds: all or nothing. */
async function addOne(ctx: HandlerContext, request: { transactionalId: string; producerId: number; producerEpoch: number; topics: Array<{ name: string; partitions: number[] }> }, version: number): Promise<AddPartitionsToTxnTopicResult[]> {
  const refusals = request.topics.map((topic) => topic.partitions.map((partition) => refusal(ctx, topic.name, partition)));
  const refused = refusals.some((codes) => codes.some((code) => code !== 0));
  let errorCode = 0;
  if (!refused) {
    try {
      authorizeTransactionalId(ctx, request.transactionalId);
      const partitions = request.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
      await coordinatorOf(ctx).addPartitions(transactionalRequest(ctx, request), partitions);
    } catch (error) {
      errorCode = fencedErrorCode(error, version, producerFencedFrom);
    }
  }
  return request.topics.map((topic, t) => ({
    name: topic.name,
    partitions: topic.partitions.map((partitionIndex, p) => ({
      partitionIndex,
      errorCode: refused ? refusals[t][p] || kafkaErrors.OPERATION_NOT_ATTEMPTED : errorCode,
    })),
  }));
}

/** Why a partition cannot join (0 when it can). */
function refusal(ctx: HandlerContext, topic: string, partition: number): number {
  if (!mayTopic(ctx, "write", topic)) return kafkaErrors.TOPIC_AUTHORIZATION_FAILED;
  let partitions: number;
  try {
    partitions = ctx.broker.topicConfig(topic).partitions;
  } catch {
    return kafkaErrors.UNKNOWN_TOPIC_OR_PARTITION;
  }
  return Number.isInteger(partition) && partition >= 0 && partition < partitions ? 0 : kafkaErrors.UNKNOWN_TOPIC_OR_PARTITION;
}
