/**
 * EndTxn v0
 *
 * ```
 * EndTxn Request (Version: 0) => transactional_id producer_id producer_epoch committed
 *   transactional_id => STRING
 *   producer_id => INT64
 *   producer_epoch => INT16
 *   committed => BOOLEAN
 * EndTxn Response (Version: 0) => throttle_time_ms error_code
 *   throttle_time_ms => INT32
 *   error_code => INT16
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { EndTxnRequest, EndTxnResponse } from "./types.ts";

export function decodeRequest(reader: Reader): EndTxnRequest {
  const transactionalId = reader.string();
  const producerId = reader.int64();
  const producerEpoch = reader.int16();
  return { transactionalId, producerId, producerEpoch, committed: reader.boolean() };
}

export function encodeResponse(writer: Writer, response: EndTxnResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode);
}

/** The sending side (kafka/txn-marker-channel.ts, for a programmatic producer on another broker): the request. */
export function encodeRequest(writer: Writer, request: EndTxnRequest): void {
  writer.string(request.transactionalId).int64(request.producerId).int16(request.producerEpoch).boolean(request.committed);
}

/** The sending side: the answer. */
export function decodeResponse(reader: Reader): EndTxnResponse {
  const throttleTimeMs = reader.int32();
  return { throttleTimeMs, errorCode: reader.int16() };
}
