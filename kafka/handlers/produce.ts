/**
 * Produce: each partition's record set goes to `BrokerApi.appendBatch` as it came (a view of
 * the request frame; the broker validates magic, CRC and sequence numbers and stamps offsets).
 *
 * Order: every append is issued synchronously, before the handler's first await, so the
 * partition mailboxes see pipelined Produce requests in the order the connection received them.
 * acks=0 gets no response at all (the appends still happen). On a replicated leader acks=-1
 * answers once the in-sync replicas hold the records (NOT_ENOUGH_REPLICAS below
 * min.insync.replicas), acks=1 once the leader does; a follower answers NOT_LEADER_OR_FOLLOWER.
 *
 * A topic the principal may not write gets TOPIC_AUTHORIZATION_FAILED on each of its
 * partitions and is never handed to the broker; the other topics of the request are written.
 */
import type { Acks } from "../../broker/types.ts";
import { mayTopic } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import type { ProducePartitionResponse, ProduceRequest, ProduceResponse } from "../protocol/produce/types.ts";

function append(ctx: HandlerContext, topic: string, writable: boolean, index: number, records: Uint8Array | null, acks: Acks): Promise<ProducePartitionResponse> {
  const failed = (errorCode: number): ProducePartitionResponse => ({ index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 });
  if (!writable) return Promise.resolve(failed(kafkaErrors.TOPIC_AUTHORIZATION_FAILED));
  if (records === null || records.length === 0) return Promise.resolve(failed(kafkaErrors.CORRUPT_MESSAGE));
  return ctx.broker.appendBatch(topic, index, records, { acks }).then(
    (result) => ({ index, errorCode: 0, baseOffset: result.baseOffset, logAppendTimeMs: result.logAppendTime, logStartOffset: result.logStartOffset }),
    (error: unknown) => failed(kafkaErrorCode(error)),
  );
}

export async function handleProduce(ctx: HandlerContext, request: ProduceRequest): Promise<ProduceResponse | null> {
  // acks=-1 waits for the in-sync replicas on a replicated leader; 1 (and 0) for the leader alone.
  const acks: Acks = request.acks === -1 ? "all" : "leader";
  const pending = request.topics.map((topic) => {
    const writable = mayTopic(ctx, "write", topic.name);
    return { name: topic.name, partitions: topic.partitions.map((p) => append(ctx, topic.name, writable, p.index, p.records, acks)) };
  });
  const topics = await Promise.all(pending.map(async (t) => ({ name: t.name, partitions: await Promise.all(t.partitions) })));
  return request.acks === 0 ? null : { topics, throttleTimeMs: 0 };
}
