/**
 * Metadata v0
 *
 * ```
 * Metadata Request (Version: 0) => [topics]
 *   topics => STRING                      (an empty array means every topic)
 * Metadata Response (Version: 0) => [brokers] [topics]
 *   brokers => node_id host port
 *     node_id => INT32
 *     host => STRING
 *     port => INT32
 *   topics => error_code name [partitions]
 *     error_code => INT16
 *     name => STRING
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
import type { MetadataPartition, MetadataRequest, MetadataResponse } from "./types.ts";

export function decodeRequest(reader: Reader): MetadataRequest {
  const topics = reader.stringArray();
  return { topics: topics.length === 0 ? null : topics, allowAutoTopicCreation: true };
}

export function encodePartitionV0(writer: Writer, partition: MetadataPartition): void {
  writer.int16(partition.errorCode).int32(partition.partitionIndex).int32(partition.leaderId);
  writer.int32Array(partition.replicaNodes).int32Array(partition.isrNodes);
}

export function encodeResponse(writer: Writer, response: MetadataResponse): void {
  writer.array(response.brokers, (w, broker) => w.int32(broker.nodeId).string(broker.host).int32(broker.port));
  writer.array(response.topics, (w, topic) => {
    w.int16(topic.errorCode).string(topic.name);
    w.array(topic.partitions, encodePartitionV0);
  });
}
