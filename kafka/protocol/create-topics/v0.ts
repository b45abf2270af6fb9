/**
 * CreateTopics v0
 *
 * ```
 * CreateTopics Request (Version: 0) => [topics] timeout_ms
 *   topics => name num_partitions replication_factor [assignments] [configs]
 *     name => STRING
 *     num_partitions => INT32
 *     replication_factor => INT16
 *     assignments => partition_index [broker_ids]
 *       partition_index => INT32
 *       broker_ids => INT32
 *     configs => name value
 *       name => STRING
 *       value => NULLABLE_STRING
 *   timeout_ms => INT32
 * CreateTopics Response (Version: 0) => [topics]
 *   topics => name error_code
 *     name => STRING
 *     error_code => INT16
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { CreatableTopic, CreateTopicsRequest, CreateTopicsResponse } from "./types.ts";

function decodeTopic(reader: Reader): CreatableTopic {
  const name = reader.string();
  const numPartitions = reader.int32();
  const replicationFactor = reader.int16();
  const assignments = reader.array((r) => ({ partitionIndex: r.int32(), brokerIds: r.int32Array() }), 8);
  const configs = reader.array((r) => ({ name: r.string(), value: r.nullableString() }), 4);
  return { name, numPartitions, replicationFactor, assignments, configs };
}

export function decodeTopics(reader: Reader): CreatableTopic[] {
  return reader.array(decodeTopic, 16);
}

export function decodeRequest(reader: Reader): CreateTopicsRequest {
  const topics = decodeTopics(reader);
  return { topics, timeoutMs: reader.int32(), validateOnly: false };
}

export function encodeResponse(writer: Writer, response: CreateTopicsResponse): void {
  writer.array(response.topics, (w, t) => w.string(t.name).int16(t.errorCode));
}
