/**
 * InitProducerId v3: the request carries the producer's current id and epoch (-1, -1 for a new
 * producer), so a producer can bump its epoch instead of getting a new id.
 *
 * ```
 * InitProducerId Request (Version: 3) => transactional_id transaction_timeout_ms producer_id producer_epoch TAG_BUFFER
 *   producer_id => INT64
 *   producer_epoch => INT16
 * InitProducerId Response (Version: 3) => as v2
 * ```
 */
import type { Reader } from "../reader.ts";
import type { InitProducerIdRequest } from "./types.ts";

export { encodeResponse } from "./v2.ts";

export function decodeRequest(reader: Reader): InitProducerIdRequest {
  const transactionalId = reader.compactNullableString();
  const transactionTimeoutMs = reader.int32();
  const producerId = reader.int64();
  const producerEpoch = reader.int16();
  reader.skipTaggedFields();
  return { transactionalId, transactionTimeoutMs, producerId, producerEpoch };
}
