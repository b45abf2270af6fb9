/**
 * AddPartitionsToTxn v3: the first flexible version (fields as v2).
 *
 * ```
 * AddPartitionsToTxn Request (Version: 3) => transactional_id producer_id producer_epoch [topics] TAG_BUFFER
 *   transactional_id => COMPACT_STRING
 *   topics => name [partitions] TAG_BUFFER
 *     name => COMPACT_STRING
 *     partitions => INT32
 * AddPartitionsToTxn Response (Version: 3) => throttle_time_ms [results] TAG_BUFFER
 *   results => name [results] TAG_BUFFER
 *     results => partition_index error_code TAG_BUFFER
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from "./types.ts";

export function decodeRequest(reader: Reader): AddPartitionsToTxnRequest {
  const transactionalId = reader.compactString();
  const producerId = reader.int64();
  const producerEpoch = reader.int16();
  const topics = reader.compactArray((r) => {
    const name = r.compactString();
    const partitions = r.compactInt32Array();
    r.skipTaggedFields();
    return { name, partitions };
  }, 3);
  reader.skipTaggedFields();
  return { transactionalId, producerId, producerEpoch, topics };
}

export function encodeResponse(writer: Writer, response: AddPartitionsToTxnResponse): void {
  writer.int32(response.throttleTimeMs);
  writer.compactArray(response.results, (w, topic) => {
    w.compactString(topic.name);
    w.compactArray(topic.partitions, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode).emptyTaggedFields());
    w.emptyTaggedFields();
  });
  writer.emptyTaggedFields();
}
