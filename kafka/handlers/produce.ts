/**
 * Produce: each partition's record set goes to `BrokerApi.appendBatch` as it came (a view of
 * the request frame; the broker validates magic, CRC and sequence numbers and stamps offsets).
 *
 * Order: every append is issued synchronously, before the handler's first await, so the
 * partition mailboxes see pipelined Produce requests in the order the connection received them.
 * (Exceptions: a transactional batch arriving while the transaction coordinator still loads
 * its state after a start waits for that load; in a cluster, a transactional batch whose id
 * another broker coordinates waits for that coordinator's verdict.) acks=0 gets no response at all (the appends
 * still happen). On a replicated leader acks=-1 answers once the in-sync replicas hold the
 * records (NOT_ENOUGH_REPLICAS below min.insync.replicas), acks=1 once the leader does; a
 * follower answers NOT_LEADER_OR_FOLLOWER.
 *
 * A topic the principal may not write gets TOPIC_AUTHORIZATION_FAILED on each of its
 * partitions and is never handed to the broker; the other topics of the request are written.
 *
 * Transactional batches (attribute bit 4) are checked first, as KIP-890 does: the request's
 * transactional id must be one the principal may use (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
 * and the batch's producer must hold it at that epoch (else INVALID_PRODUCER_EPOCH, or
 * INVALID_PRODUCER_ID_MAPPING), with the partition added to its Ongoing transaction (else
 * INVALID_TXN_STATE): a zombie or a producer that skipped AddPartitionsToTxn writes nothing.
 */
import type { Acks } from "../../broker/types.ts";
import { RivuletError } from "../../core/errors.ts";
import { Attributes, BATCH_HEADER_SIZE } from "../../record/batch-layout.ts";
import { readBatchHeader } from "../../record/batch-header.ts";
import { authorizeTransactionalId, mayTopic, transactionPrincipal } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import type { ProducePartitionResponse, ProduceRequest, ProduceResponse } from "../protocol/produce/types.ts";
import { coordinatorOf } from "./transaction-coordinator.ts";

function append(ctx: HandlerContext, request: ProduceRequest, topic: string, writable: boolean, index: number, records: Uint8Array | null, acks: Acks): Promise<ProducePartitionResponse> {
  const failed = (errorCode: number): ProducePartitionResponse => ({ index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 });
  if (!writable) return Promise.resolve(failed(kafkaErrors.TOPIC_AUTHORIZATION_FAILED));
  if (records === null || records.length === 0) return Promise.resolve(failed(kafkaErrors.CORRUPT_MESSAGE));
  let verified: Promise<void> | void;
  try {
    verified = checkTransactional(ctx, request, topic, index, records);
  } catch (error) {
    return Promise.resolve(failed(kafkaErrorCode(error)));
  }
  const appended = verified ? verified.then(() => ctx.broker.appendBatch(topic, index, records, { acks })) : ctx.broker.appendBatch(topic, index, records, { acks });
  return appended.then(
    (result) => ({ index, errorCode: 0, baseOffset: result.baseOffset, logAppendTimeMs: result.logAppendTime, logStartOffset: result.logStartOffset }),
    (error: unknown) => failed(kafkaErrorCode(error)),
  );
}

/** True when the record set starts with a transactional batch (a short one is left to the append's validation). */
function isTransactional(records: Uint8Array | null): records is Uint8Array {
  if (records === null || records.length < BATCH_HEADER_SIZE) return false;
  try {
    return (readBatchHeader(records).attributes & Attributes.transactional) !== 0;
  } catch {
    return false; // a corrupt header: the append refuses it
  }
}

/**
 * KIP-890's check of a transactional record set; nothing for other batches. Synchronous when
 * this broker coordinates the id; a promise of the verdict of the coordinator on another broker
 * (in a cluster), which every transactional batch of that id here then waits for, so batches of
 * a partition still reach it in the order they came.
 */
function checkTransactional(ctx: HandlerContext, request: ProduceRequest, topic: string, partition: number, records: Uint8Array): Promise<void> | void {
  if (!isTransactional(records)) return;
  const { producerId, producerEpoch } = readBatchHeader(records);
  const transactionalId = request.transactionalId;
  if (transactionalId === null) throw new RivuletError("invalid_txn_state", "a transactional batch needs the request's transactional id", { topic, partition });
  authorizeTransactionalId(ctx, transactionalId);
  return coordinatorOf(ctx).checkProduce({ transactionalId, producerId, producerEpoch, principal: transactionPrincipal(ctx) }, topic, partition);
}

export async function handleProduce(ctx: HandlerContext, request: ProduceRequest): Promise<ProduceResponse | null> {
  // acks=-1 waits for the in-sync replicas on a replicated leader; 1 (and 0) for the leader alone.
  const acks: Acks = request.acks === -1 ? "all" : "leader";
  const coordinator = ctx.broker.transactions;
  if (coordinator && !coordinator.loaded && request.topics.some((t) => t.partitions.some((p) => isTransactional(p.records)))) {
    await coordinator.load().catch(() => {}); // a failed load fails the check below, partition by partition
  }
  const pending = request.topics.map((topic) => {
    const writable = mayTopic(ctx, "write", topic.name);
    return { name: topic.name, partitions: topic.partitions.map((p) => append(ctx, request, topic.name, writable, p.index, p.records, acks)) };
  });
  const topics = await Promise.all(pending.map(async (t) => ({ name: t.name, partitions: await Promise.all(t.partitions) })));
  return request.acks === 0 ? null : { topics, throttleTimeMs: 0 };
}
