/**
 * InitProducerId v0
 *
 * ```
 * InitProducerId Request (Version: 0) => transactional_id transaction_timeout_ms
 *   transactional_id => NULLABLE_STRING
 *   transaction_timeout_ms => INT32
 * InitProducerId Response (Version: 0) => throttle_time_ms error_code producer_id producer_epoch
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   producer_id => INT64
 *   producer_epoch => INT16
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { InitProducerIdRequest, InitProducerIdResponse } from "./types.ts";

export function decodeRequest(reader: Reader): InitProducerIdRequest {
  const transactionalId = reader.nullableString();
  return { transactionalId, transactionTimeoutMs: reader.int32() };
}

export function encodeResponse(writer: Writer, response: InitProducerIdResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode).int64(response.producerId).int16(response.producerEpoch);
}

/**
 * The sending side (a broker's programmatic transactional producer asking the transactional id's
 * coordinator on another broker, kafka/txn-marker-channel.ts): the request.
 */
export function encodeRequest(writer: Writer, request: InitProducerIdRequest): void {
  writer.nullableString(request.transactionalId).int32(request.transactionTimeoutMs);
}

/** The sending side: the answer. */
export function decodeResponse(reader: Reader): InitProducerIdResponse {
  const throttleTimeMs = reader.int32();
  const errorCode = reader.int16();
  const producerId = reader.int64();
  return { throttleTimeMs, errorCode, producerId, producerEpoch: reader.int16() };
}
