/**
 * Metadata v8: the caller may ask which ACL operations it is allowed, per topic and cluster.
 *
 * ```
 * Metadata Request (Version: 8) => [topics] allow_auto_topic_creation include_cluster_authorized_operations include_topic_authorized_operations
 *   topics => STRING                      (nullable array: null = every topic)
 *   allow_auto_topic_creation => BOOLEAN
 *   include_cluster_authorized_operations => BOOLEAN
 *   include_topic_authorized_operations => BOOLEAN
 * Metadata Response (Version: 8) => throttle_time_ms [brokers] cluster_id controller_id [topics] cluster_authorized_operations
 *   topics => error_code name is_internal [partitions] topic_authorized_operations
 *     topic_authorized_operations => INT32
 *   cluster_authorized_operations => INT32
 * ```
 *
 * Operations not asked for are INT32_MIN, as Kafka writes them.
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { MetadataRequest, MetadataResponse } from "./types.ts";
import { encodeBrokers } from "./v1.ts";
import { encodePartitionV7 } from "./v7.ts";

/** "Not asked for" in an authorized-operations field. */
export const operationsNotAsked = -2147483648;

export function decodeRequest(reader: Reader): MetadataRequest {
  const topics = reader.nullableArray((r) => r.string(), 2);
  const allowAutoTopicCreation = reader.boolean();
  const includeClusterAuthorizedOperations = reader.boolean();
  return { topics, allowAutoTopicCreation, includeClusterAuthorizedOperations, includeTopicAuthorizedOperations: reader.boolean() };
}

export function encodeResponse(writer: Writer, response: MetadataResponse): void {
  writer.int32(response.throttleTimeMs);
  encodeBrokers(writer, response.brokers);
  writer.nullableString(response.clusterId).int32(response.controllerId);
  writer.array(response.topics, (w, topic) => {
    w.int16(topic.errorCode).string(topic.name).boolean(topic.isInternal);
    w.array(topic.partitions, encodePartitionV7);
    w.int32(topic.topicAuthorizedOperations ?? operationsNotAsked);
  });
  writer.int32(response.clusterAuthorizedOperations ?? operationsNotAsked);
}
