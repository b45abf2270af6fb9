/**
 * EndTxn v3: the first flexible version (fields as v2).
 *
 * ```
 * EndTxn Request (Version: 3) => transactional_id producer_id producer_epoch committed TAG_BUFFER
 *   transactional_id => COMPACT_STRING
 * EndTxn Response (Version: 3) => throttle_time_ms error_code TAG_BUFFER
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { EndTxnRequest, EndTxnResponse } from "./types.ts";

export function decodeRequest(reader: Reader): EndTxnRequest {
  const transactionalId = reader.compactString();
  const producerId = reader.int64();
  const producerEpoch = reader.int16();
  const committed = reader.boolean();
  reader.skipTaggedFields();
  return { transactionalId, producerId, producerEpoch, committed };
}

export function encodeResponse(writer: Writer, response: EndTxnResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode).emptyTaggedFields();
}
