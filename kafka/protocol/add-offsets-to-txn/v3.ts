/**
 * AddOffsetsToTxn v3: the first flexible version (fields as v2).
 *
 * ```
 * AddOffsetsToTxn Request (Version: 3) => transactional_id producer_id producer_epoch group_id TAG_BUFFER
 *   transactional_id, group_id => COMPACT_STRING
 * AddOffsetsToTxn Response (Version: 3) => throttle_time_ms error_code TAG_BUFFER
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from "./types.ts";

export function decodeRequest(reader: Reader): AddOffsetsToTxnRequest {
  const transactionalId = reader.compactString();
  const producerId = reader.int64();
  const producerEpoch = reader.int16();
  const groupId = reader.compactString();
  reader.skipTaggedFields();
  return { transactionalId, producerId, producerEpoch, groupId };
}

export function encodeResponse(writer: Writer, response: AddOffsetsToTxnResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode).emptyTaggedFields();
}
