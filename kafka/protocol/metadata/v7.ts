/**
 * Metadata v7: partitions gain leader_epoch.
 *
 * ```
 * Metadata Request (Version: 7) => [topics] allow_auto_topic_creation   (as v4-6)
 * Metadata Response (Version: 7) => throttle_time_ms [brokers] cluster_id controller_id [topics]
 *   topics => error_code name is_internal [partitions]
 *     partitions => error_code partition_index leader_id leader_epoch [replica_nodes] [isr_nodes] [offline_replicas]
 *       leader_epoch => INT32
 * ```
 */
import type { Writer } from "../writer.ts";
import type { MetadataPartition, MetadataResponse } from "./types.ts";
import { encodeBrokers, encodeTopics } from "./v1.ts";

export { decodeRequest } from "./v4.ts";

/** Writes one partition in the v7-8 layout. */
export function encodePartitionV7(writer: Writer, partition: MetadataPartition): void {
  writer.int16(partition.errorCode).int32(partition.partitionIndex).int32(partition.leaderId).int32(partition.leaderEpoch ?? -1);
  writer.int32Array(partition.replicaNodes).int32Array(partition.isrNodes).int32Array(partition.offlineReplicas);
}

export function encodeResponse(writer: Writer, response: MetadataResponse): void {
  writer.int32(response.throttleTimeMs);
  encodeBrokers(writer, response.brokers);
  writer.nullableString(response.clusterId).int32(response.controllerId);
  encodeTopics(writer, response.topics, encodePartitionV7);
}
