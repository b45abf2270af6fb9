/**
 * AddOffsetsToTxn v0
 *
 * ```
 * AddOffsetsToTxn Request (Version: 0) => transactional_id producer_id producer_epoch group_id
 *   transactional_id => STRING
 *   producer_id => INT64
 *   producer_epoch => INT16
 *   group_id => STRING
 * AddOffsetsToTxn Response (Version: 0) => throttle_time_ms error_code
 *   throttle_time_ms => INT32
 *   error_code => INT16
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from "./types.ts";

export function decodeRequest(reader: Reader): AddOffsetsToTxnRequest {
  const transactionalId = reader.string();
  const producerId = reader.int64();
  const producerEpoch = reader.int16();
  return { transactionalId, producerId, producerEpoch, groupId: reader.string() };
}

export function encodeResponse(writer: Writer, response: AddOffsetsToTxnResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode);
}

/** The sending side (kafka/txn-marker-channel.ts, for a programmatic producer on another broker): the request. */
export function encodeRequest(writer: Writer, request: AddOffsetsToTxnRequest): void {
  writer.string(request.transactionalId).int64(request.producerId).int16(request.producerEpoch).string(request.groupId);
}

/** The sending side: the answer. */
export function decodeResponse(reader: Reader): AddOffsetsToTxnResponse {
  const throttleTimeMs = reader.int32();
  return { throttleTimeMs, errorCode: reader.int16() };
}
