/**
 * CreateTopics v5: the first flexible version; each result carries the topic's partitions,
 * replication factor and configs.
 *
 * ```
 * CreateTopics Request (Version: 5) => [topics] timeout_ms validate_only TAG_BUFFER
 *   topics => name num_partitions replication_factor [assignments] [configs] TAG_BUFFER
 *     assignments => partition_index [broker_ids] TAG_BUFFER
 *     configs => name value TAG_BUFFER
 *       value => COMPACT_NULLABLE_STRING
 * CreateTopics Response (Version: 5) => throttle_time_ms [topics] TAG_BUFFER
 *   topics => name error_code error_message num_partitions replication_factor [configs] TAG_BUFFER
 *     configs => name value read_only config_source is_sensitive TAG_BUFFER   (compact nullable array)
 *   (tagged in topics: 0 topic_config_error_code, not written)
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { CreatableTopic, CreatedTopicResult, CreateTopicsRequest, CreateTopicsResponse } from "./types.ts";

function decodeTopic(reader: Reader): CreatableTopic {
  const name = reader.compactString();
  const numPartitions = reader.int32();
  const replicationFactor = reader.int16();
  const assignments = reader.compactArray((r) => {
    const partitionIndex = r.int32();
    const brokerIds = r.compactInt32Array();
    r.skipTaggedFields();
    return { partitionIndex, brokerIds };
  }, 6);
  const configs = reader.compactArray((r) => {
    const configName = r.compactString();
    const value = r.compactNullableString();
    r.skipTaggedFields();
    return { name: configName, value };
  }, 3);
  reader.skipTaggedFields();
  return { name, numPartitions, replicationFactor, assignments, configs };
}

export function decodeRequest(reader: Reader): CreateTopicsRequest {
  const topics = reader.compactArray(decodeTopic, 10);
  const timeoutMs = reader.int32();
  const validateOnly = reader.boolean();
  reader.skipTaggedFields();
  return { topics, timeoutMs, validateOnly };
}

/** Writes the v5+ fields after error_message of one result. */
export function encodeResultTail(writer: Writer, t: CreatedTopicResult): void {
  writer.int32(t.numPartitions ?? -1).int16(t.replicationFactor ?? -1);
  writer.compactArray(t.configs ?? [], (w, c) => {
    w.compactString(c.name).compactNullableString(c.value).boolean(c.readOnly).int8(c.configSource).boolean(c.isSensitive).emptyTaggedFields();
  });
  writer.emptyTaggedFields();
}

/** The response with `withId` writing the v7 topic id (or nothing before v7). */
export function encodeResponseWith(writer: Writer, response: CreateTopicsResponse, withId: boolean): void {
  writer.int32(response.throttleTimeMs);
  writer.compactArray(response.topics, (w, t) => {
    w.compactString(t.name);
    if (withId) w.uuid();
    w.int16(t.errorCode).compactNullableString(t.errorMessage);
    encodeResultTail(w, t);
  });
  writer.emptyTaggedFields();
}

export function encodeResponse(writer: Writer, response: CreateTopicsResponse): void {
  encodeResponseWith(writer, response, false);
}
