/**
 * Metadata v1: a null topic array means every topic (an empty one means none); brokers gain a
 * rack, the response a controller id, topics an is_internal flag.
 *
 * ```
 * Metadata Request (Version: 1) => [topics]
 *   topics => STRING                      (nullable array: null = every topic)
 * Metadata Response (Version: 1) => [brokers] controller_id [topics]
 *   brokers => node_id host port rack
 *     node_id => INT32
 *     host => STRING
 *     port => INT32
 *     rack => NULLABLE_STRING
 *   controller_id => INT32
 *   topics => error_code name is_internal [partitions]
 *     error_code => INT16
 *     name => STRING
 *     is_internal => BOOLEAN
 *     partitions => error_code partition_index leader_id [replica_nodes] [isr_nodes]
 *       error_code => INT16
 *       partition_index => INT32
 *       leader_id => INT32
 *       replica_nodes => INT32
 *       isr_nodes => INT32
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { MetadataBroker, MetadataPartition, MetadataRequest, MetadataResponse, MetadataTopic } from "./types.ts";
import { encodePartitionV0 } from "./v0.ts";

export function decodeRequest(reader: Reader): MetadataRequest {
  return { topics: reader.nullableArray((r) => r.string(), 2), allowAutoTopicCreation: true };
}

export function encodeBrokers(writer: Writer, brokers: readonly MetadataBroker[]): void {
  writer.array(brokers, (w, broker) => w.int32(broker.nodeId).string(broker.host).int32(broker.port).nullableString(broker.rack));
}

export function encodeTopics(
  writer: Writer,
  topics: readonly MetadataTopic[],
  encodePartition: (writer: Writer, partition: MetadataPartition) => void,
): void {
  writer.array(topics, (w, topic) => {
    w.int16(topic.errorCode).string(topic.name).boolean(topic.isInternal);
    w.array(topic.partitions, encodePartition);
  });
}

export function encodeResponse(writer: Writer, response: MetadataResponse): void {
  encodeBrokers(writer, response.brokers);
  writer.int32(response.controllerId);
  encodeTopics(writer, response.topics, encodePartitionV0);
}
