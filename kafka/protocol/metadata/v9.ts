/**
 * Metadata v9: the first flexible version (compact strings and arrays, tagged fields). Topics
 * are still asked for by name (v10 adds topic ids, which Rivulet does not have).
 *
 * ```
 * Metadata Request (Version: 9) => [topics] allow_auto_topic_creation include_cluster_authorized_operations include_topic_authorized_operations TAG_BUFFER
 *   topics => name TAG_BUFFER             (compact nullable array: null = every topic)
 *     name => COMPACT_STRING
 * Metadata Response (Version: 9) => throttle_time_ms [brokers] cluster_id controller_id [topics] cluster_authorized_operations TAG_BUFFER
 *   brokers => node_id host port rack TAG_BUFFER
 *     host => COMPACT_STRING
 *     rack => COMPACT_NULLABLE_STRING
 *   cluster_id => COMPACT_NULLABLE_STRING
 *   topics => error_code name is_internal [partitions] topic_authorized_operations TAG_BUFFER
 *     name => COMPACT_STRING
 *     partitions => error_code partition_index leader_id leader_epoch [replica_nodes] [isr_nodes] [offline_replicas] TAG_BUFFER
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { MetadataPartition, MetadataRequest, MetadataResponse } from "./types.ts";
import { operationsNotAsked } from "./v8.ts";

export function decodeRequest(reader: Reader): MetadataRequest {
  const topics = reader.compactNullableArray((r) => {
    const name = r.compactString();
    r.skipTaggedFields();
    return name;
  }, 2);
  const allowAutoTopicCreation = reader.boolean();
  const includeClusterAuthorizedOperations = reader.boolean();
  const includeTopicAuthorizedOperations = reader.boolean();
  reader.skipTaggedFields();
  return { topics, allowAutoTopicCreation, includeClusterAuthorizedOperations, includeTopicAuthorizedOperations };
}

function encodePartition(writer: Writer, partition: MetadataPartition): void {
  writer.int16(partition.errorCode).int32(partition.partitionIndex).int32(partition.leaderId).int32(partition.leaderEpoch ?? -1);
  writer.compactInt32Array(partition.replicaNodes).compactInt32Array(partition.isrNodes).compactInt32Array(partition.offlineReplicas);
  writer.emptyTaggedFields();
}

export function encodeResponse(writer: Writer, response: MetadataResponse): void {
  writer.int32(response.throttleTimeMs);
  writer.compactArray(response.brokers, (w, b) => w.int32(b.nodeId).compactString(b.host).int32(b.port).compactNullableString(b.rack).emptyTaggedFields());
  writer.compactNullableString(response.clusterId).int32(response.controllerId);
  writer.compactArray(response.topics, (w, topic) => {
    w.int16(topic.errorCode).compactString(topic.name).boolean(topic.isInternal);
    w.compactArray(topic.partitions, encodePartition);
    w.int32(topic.topicAuthorizedOperations ?? operationsNotAsked).emptyTaggedFields();
  });
  writer.int32(response.clusterAuthorizedOperations ?? operationsNotAsked).emptyTaggedFields();
}
