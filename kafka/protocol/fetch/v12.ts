/**
 * Fetch v12: the first flexible version; partitions gain last_fetched_epoch (followers).
 *
 * ```
 * Fetch Request (Version: 12) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id session_epoch [topics] [forgotten_topics_data] rack_id TAG_BUFFER
 *   topics => topic [partitions] TAG_BUFFER
 *     topic => COMPACT_STRING
 *     partitions => partition current_leader_epoch fetch_offset last_fetched_epoch log_start_offset partition_max_bytes TAG_BUFFER
 *   forgotten_topics_data => topic [partitions] TAG_BUFFER
 *     topic => COMPACT_STRING
 *     partitions => INT32
 *   rack_id => COMPACT_STRING
 *   (tagged: 0 cluster_id, skipped)
 * Fetch Response (Version: 12) => throttle_time_ms error_code session_id [responses] TAG_BUFFER
 *   responses => topic [partitions] TAG_BUFFER
 *     topic => COMPACT_STRING
 *     partitions => partition_index error_code high_watermark last_stable_offset log_start_offset [aborted_transactions] preferred_read_replica records TAG_BUFFER
 *       aborted_transactions => producer_id first_offset TAG_BUFFER   (compact nullable array)
 *       records => COMPACT_RECORDS
 *       (tagged: 0 diverging_epoch, 1 current_leader, 2 snapshot_id; Rivulet writes none)
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { FetchPartition, FetchPartitionResponse, FetchRequest, FetchResponse } from "./types.ts";

function decodePartition(reader: Reader): FetchPartition {
  const partition = reader.int32();
  const currentLeaderEpoch = reader.int32();
  const fetchOffset = reader.int64();
  const lastFetchedEpoch = reader.int32();
  const logStartOffset = reader.int64();
  const partitionMaxBytes = reader.int32();
  reader.skipTaggedFields();
  return { partition, currentLeaderEpoch, fetchOffset, logStartOffset, partitionMaxBytes, lastFetchedEpoch };
}

export function decodeRequest(reader: Reader): FetchRequest {
  const replicaId = reader.int32();
  const maxWaitMs = reader.int32();
  const minBytes = reader.int32();
  const maxBytes = reader.int32();
  const isolationLevel = reader.int8();
  const sessionId = reader.int32();
  const sessionEpoch = reader.int32();
  const topics = reader.compactArray((r) => {
    const topic = r.compactString();
    const partitions = r.compactArray(decodePartition, 33);
    r.skipTaggedFields();
    return { topic, partitions };
  }, 3);
  const forgottenTopics = reader.compactArray((r) => {
    const topic = r.compactString();
    const partitions = r.compactInt32Array();
    r.skipTaggedFields();
    return { topic, partitions };
  }, 3);
  const rackId = reader.compactString();
  reader.skipTaggedFields();
  return { replicaId, maxWaitMs, minBytes, maxBytes, isolationLevel, sessionId, sessionEpoch, topics, forgottenTopics, rackId };
}

function encodePartition(writer: Writer, p: FetchPartitionResponse): void {
  writer.int32(p.partition).int16(p.errorCode).int64(p.highWatermark).int64(p.lastStableOffset).int64(p.logStartOffset);
  writer.compactNullableArray(p.abortedTransactions, (w, txn) => w.int64(txn.producerId).int64(txn.firstOffset).emptyTaggedFields());
  writer.int32(p.preferredReadReplica).compactNullableBytes(p.records).emptyTaggedFields();
}

export function encodeResponse(writer: Writer, response: FetchResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode).int32(response.sessionId);
  writer.compactArray(response.topics, (w, topic) => {
    w.compactString(topic.topic);
    w.compactArray(topic.partitions, encodePartition);
    w.emptyTaggedFields();
  });
  writer.emptyTaggedFields();
}
