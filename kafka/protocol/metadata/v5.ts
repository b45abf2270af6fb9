/**
 * Metadata v5: partitions gain offline_replicas.
 *
 * ```
 * Metadata Request (Version: 5) => [topics] allow_auto_topic_creation
 *   topics => STRING                      (nullable array: null = every topic)
 *   allow_auto_topic_creation => BOOLEAN
 * Metadata Response (Version: 5) => throttle_time_ms [brokers] cluster_id controller_id [topics]
 *   throttle_time_ms => INT32
 *   brokers => node_id host port rack
 *     node_id => INT32
 *     host => STRING
 *     port => INT32
 *     rack => NULLABLE_STRING
 *   cluster_id => NULLABLE_STRING
 *   controller_id => INT32
 *   topics => error_code name is_internal [partitions]
 *     error_code => INT16
 *     name => STRING
 *     is_internal => BOOLEAN
 *     partitions => error_code partition_index leader_id [replica_nodes] [isr_nodes] [offline_replicas]
 *       error_code => INT16
 *       partition_index => INT32
 *       leader_id => INT32
 *       replica_nodes => INT32
 *       isr_nodes => INT32
 *       offline_replicas => INT32
 * ```
 */
import type { Writer } from "../writer.ts";
import type { MetadataPartition, MetadataResponse } from "./types.ts";
import { encodePartitionV0 } from "./v0.ts";
import { encodeBrokers, encodeTopics } from "./v1.ts";

export { decodeRequest } from "./v4.ts";

function encodePartition(writer: Writer, partition: MetadataPartition): void {
  encodePartitionV0(writer, partition);
  writer.int32Array(partition.offlineReplicas);
}

export function encodeResponse(writer: Writer, response: MetadataResponse): void {
  writer.int32(response.throttleTimeMs);
  encodeBrokers(writer, response.brokers);
  writer.nullableString(response.clusterId).int32(response.controllerId);
  encodeTopics(writer, response.topics, encodePartition);
}
