/**
 * InitProducerId v2: the first flexible version (fields as v0-1).
 *
 * ```
 * InitProducerId Request (Version: 2) => transactional_id transaction_timeout_ms TAG_BUFFER
 *   transactional_id => COMPACT_NULLABLE_STRING
 * InitProducerId Response (Version: 2) => throttle_time_ms error_code producer_id producer_epoch TAG_BUFFER
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { InitProducerIdRequest, InitProducerIdResponse } from "./types.ts";

export function decodeRequest(reader: Reader): InitProducerIdRequest {
  const transactionalId = reader.compactNullableString();
  const transactionTimeoutMs = reader.int32();
  reader.skipTaggedFields();
  return { transactionalId, transactionTimeoutMs };
}

export function encodeResponse(writer: Writer, response: InitProducerIdResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode).int64(response.producerId).int16(response.producerEpoch).emptyTaggedFields();
}
