/**
 * Produce v9: the first flexible version.
 *
 * ```
 * Produce Request (Version: 9) => transactional_id acks timeout_ms [topic_data] TAG_BUFFER
 *   transactional_id => COMPACT_NULLABLE_STRING
 *   topic_data => name [partition_data] TAG_BUFFER
 *     name => COMPACT_STRING
 *     partition_data => index records TAG_BUFFER
 *       records => COMPACT_RECORDS
 * Produce Response (Version: 9) => [responses] throttle_time_ms TAG_BUFFER
 *   responses => name [partition_responses] TAG_BUFFER
 *     partition_responses => index error_code base_offset log_append_time_ms log_start_offset [record_errors] error_message TAG_BUFFER
 *       record_errors => batch_index batch_index_error_message TAG_BUFFER
 *       error_message => COMPACT_NULLABLE_STRING
 * ```
 *
 * Records stay a view of the request frame (no copy), as in v3-8.
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { ProducePartitionData, ProducePartitionResponse, ProduceRequest, ProduceResponse } from "./types.ts";

function decodePartition(reader: Reader): ProducePartitionData {
  const index = reader.int32();
  const records = reader.compactNullableBytesView();
  reader.skipTaggedFields();
  return { index, records };
}

export function decodeRequest(reader: Reader): ProduceRequest {
  const transactionalId = reader.compactNullableString();
  const acks = reader.int16();
  const timeoutMs = reader.int32();
  const topics = reader.compactArray((r) => {
    const name = r.compactString();
    const partitions = r.compactArray(decodePartition, 6);
    r.skipTaggedFields();
    return { name, partitions };
  }, 3);
  reader.skipTaggedFields();
  return { transactionalId, acks, timeoutMs, topics };
}

function encodePartition(writer: Writer, p: ProducePartitionResponse): void {
  writer.int32(p.index).int16(p.errorCode).int64(p.baseOffset).int64(p.logAppendTimeMs).int64(p.logStartOffset);
  writer.compactArray(p.recordErrors ?? [], (w, e) => w.int32(e.batchIndex).compactNullableString(e.message).emptyTaggedFields());
  writer.compactNullableString(p.errorMessage ?? null).emptyTaggedFields();
}

export function encodeResponse(writer: Writer, response: ProduceResponse): void {
  writer.compactArray(response.topics, (w, topic) => {
    w.compactString(topic.name);
    w.compactArray(topic.partitions, encodePartition);
    w.emptyTaggedFields();
  });
  writer.int32(response.throttleTimeMs).emptyTaggedFields();
}
