/**
 * AddPartitionsToTxn v0
 *
 * ```
 * AddPartitionsToTxn Request (Version: 0) => transactional_id producer_id producer_epoch [topics]
 *   transactional_id => STRING
 *   producer_id => INT64
 *   producer_epoch => INT16
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => INT32
 * AddPartitionsToTxn Response (Version: 0) => throttle_time_ms [results]
 *   throttle_time_ms => INT32
 *   results => name [results]
 *     name => STRING
 *     results => partition_index error_code
 *       partition_index => INT32
 *       error_code => INT16
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from "./types.ts";

export function decodeRequest(reader: Reader): AddPartitionsToTxnRequest {
  const transactionalId = reader.string();
  const producerId = reader.int64();
  const producerEpoch = reader.int16();
  const topics = reader.array((r) => ({ name: r.string(), partitions: r.int32Array() }), 6);
  return { transactionalId, producerId, producerEpoch, topics };
}

export function encodeResponse(writer: Writer, response: AddPartitionsToTxnResponse): void {
  writer.int32(response.throttleTimeMs);
  writer.array(response.results, (w, topic) => {
    w.string(topic.name);
    w.array(topic.partitions, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode));
  });
}

/** The sending side (kafka/txn-marker-channel.ts, for a programmatic producer on another broker): the request. */
export function encodeRequest(writer: Writer, request: AddPartitionsToTxnRequest): void {
  writer.string(request.transactionalId).int64(request.producerId).int16(request.producerEpoch);
  writer.array(request.topics, (w, topic) => w.string(topic.name).int32Array(topic.partitions));
}

/** The sending side: the answer. */
export function decodeResponse(reader: Reader): AddPartitionsToTxnResponse {
  const throttleTimeMs = reader.int32();
  const results = reader.array((r) => ({ name: r.string(), partitions: r.array((p) => ({ partitionIndex: p.int32(), errorCode: p.int16() }), 6) }), 6);
  return { throttleTimeMs, results };
}
