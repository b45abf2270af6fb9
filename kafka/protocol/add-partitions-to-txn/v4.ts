/**
 * AddPartitionsToTxn v4 (KIP-890): several transactions in one request, each with `verify_only`;
 * brokers use it to have a coordinator verify a transactional batch's partition. Both sides are
 * here: the coordinator decodes the request and encodes the answer, a partition leader
 * (kafka/txn-marker-channel.ts) encodes a verification and decodes the answer.
 *
 * ```
 * AddPartitionsToTxn Request (Version: 4) => [transactions] TAG_BUFFER
 *   transactions => transactional_id producer_id producer_epoch verify_only [topics] TAG_BUFFER
 *     transactional_id => COMPACT_STRING
 *     producer_id => INT64
 *     producer_epoch => INT16
 *     verify_only => BOOLEAN
 *     topics => name [partitions] TAG_BUFFER
 *       name => COMPACT_STRING
 *       partitions => INT32
 * AddPartitionsToTxn Response (Version: 4) => throttle_time_ms error_code [results_by_transaction] TAG_BUFFER
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   results_by_transaction => transactional_id [topic_results] TAG_BUFFER
 *     transactional_id => COMPACT_STRING
 *     topic_results => name [results_by_partition] TAG_BUFFER
 *       name => COMPACT_STRING
 *       results_by_partition => partition_index partition_error_code TAG_BUFFER
 * ```
 */
import { ProtocolDecodeError } from "../decode-error.ts";
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse, AddPartitionsToTxnTopicResult, AddPartitionsToTxnTransaction } from "./types.ts";

/** The version a partition leader verifies with. */
export const verifyVersion = 4;

function readTopics(r: Reader): Array<{ name: string; partitions: number[] }> {
  return r.compactArray((t) => {
    const name = t.compactString();
    const partitions = t.compactInt32Array();
    t.skipTaggedFields();
    return { name, partitions };
  }, 3);
}

function writeTopics(w: Writer, topics: ReadonlyArray<{ name: string; partitions: number[] }>): void {
  w.compactArray(topics, (tw, t) => {
    tw.compactString(t.name).compactInt32Array(t.partitions).emptyTaggedFields();
  });
}

function readResults(r: Reader): AddPartitionsToTxnTopicResult[] {
  return r.compactArray((t) => {
    const name = t.compactString();
    const partitions = t.compactArray((p) => {
      const partitionIndex = p.int32();
      const errorCode = p.int16();
      p.skipTaggedFields();
      return { partitionIndex, errorCode };
    }, 7);
    t.skipTaggedFields();
    return { name, partitions };
  }, 3);
}

export function decodeRequest(reader: Reader): AddPartitionsToTxnRequest {
  const transactions = reader.compactArray((r): AddPartitionsToTxnTransaction => {
    const transactionalId = r.compactString();
    const producerId = r.int64();
    const producerEpoch = r.int16();
    const verifyOnly = r.boolean();
    const topics = readTopics(r);
    r.skipTaggedFields();
    return { transactionalId, producerId, producerEpoch, verifyOnly, topics };
  }, 14);
  reader.skipTaggedFields();
  const first = transactions[0];
  if (!first) throw new ProtocolDecodeError("AddPartitionsToTxn v4 names no transaction");
  return { transactionalId: first.transactionalId, producerId: first.producerId, producerEpoch: first.producerEpoch, topics: first.topics, transactions };
}

export function encodeResponse(writer: Writer, response: AddPartitionsToTxnResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode ?? 0);
  writer.compactArray(response.resultsByTransaction ?? [], (w, txn) => {
    w.compactString(txn.transactionalId);
    w.compactArray(txn.topics, (tw, topic) => {
      tw.compactString(topic.name);
      tw.compactArray(topic.partitions, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode).emptyTaggedFields());
      tw.emptyTaggedFields();
    });
    w.emptyTaggedFields();
  });
  writer.emptyTaggedFields();
}

/** A partition leader's verification of one transactional batch's partition. */
export function encodeVerifyRequest(writer: Writer, v: { transactionalId: string; producerId: number; producerEpoch: number; topic: string; partition: number }): void {
  writer.compactArray([v], (w, t) => {
    w.compactString(t.transactionalId).int64(t.producerId).int16(t.producerEpoch).boolean(true);
    writeTopics(w, [{ name: t.topic, partitions: [t.partition] }]);
    w.emptyTaggedFields();
  });
  writer.emptyTaggedFields();
}

/** The coordinator's answer to a verification. */
export function decodeVerifyResponse(reader: Reader): { errorCode: number; transactions: Array<{ transactionalId: string; topics: AddPartitionsToTxnTopicResult[] }> } {
  reader.int32();
  const errorCode = reader.int16();
  const transactions = reader.compactArray((r) => {
    const transactionalId = r.compactString();
    const topics = readResults(r);
    r.skipTaggedFields();
    return { transactionalId, topics };
  }, 3);
  reader.skipTaggedFields();
  return { errorCode, transactions };
}
