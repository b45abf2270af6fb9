/**
 * Produce v3: the first version that carries RecordBatch v2 (magic 2), and transactional ids.
 *
 * ```
 * Produce Request (Version: 3) => transactional_id acks timeout_ms [topic_data]
 *   transactional_id => NULLABLE_STRING
 *   acks => INT16
 *   timeout_ms => INT32
 *   topic_data => name [partition_data]
 *     name => STRING
 *     partition_data => index records
 *       index => INT32
 *       records => RECORDS                 (INT32 size, -1 = null, then the batches)
 * Produce Response (Version: 3) => [responses] throttle_time_ms
 *   responses => name [partition_responses]
 *     name => STRING
 *     partition_responses => index error_code base_offset log_append_time_ms
 *       index => INT32
 *       error_code => INT16
 *       base_offset => INT64
 *       log_append_time_ms => INT64
 *   throttle_time_ms => INT32
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { ProducePartitionResponse, ProduceRequest, ProduceResponse, ProduceTopicData } from "./types.ts";

function decodeTopic(reader: Reader): ProduceTopicData {
  const name = reader.string();
  const partitions = reader.array((r) => ({ index: r.int32(), records: r.nullableBytesView() }), 8);
  return { name, partitions };
}

export function decodeRequest(reader: Reader): ProduceRequest {
  const transactionalId = reader.nullableString();
  const acks = reader.int16();
  const timeoutMs = reader.int32();
  return { transactionalId, acks, timeoutMs, topics: reader.array(decodeTopic, 6) };
}

export function encodePartitionV3(writer: Writer, partition: ProducePartitionResponse): void {
  writer.int32(partition.index).int16(partition.errorCode).int64(partition.baseOffset).int64(partition.logAppendTimeMs);
}

export function encodeResponseWith(
  writer: Writer,
  response: ProduceResponse,
  encodePartition: (writer: Writer, partition: ProducePartitionResponse) => void,
): void {
  writer.array(response.topics, (w, topic) => {
    w.string(topic.name);
    w.array(topic.partitions, encodePartition);
  });
  writer.int32(response.throttleTimeMs);
}

export function encodeResponse(writer: Writer, response: ProduceResponse): void {
  encodeResponseWith(writer, response, encodePartitionV3);
}
