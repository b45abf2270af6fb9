/**
 * TxnOffsetCommit v3: the first flexible version; adds the member's generation, id and
 * instance id (KIP-447).
 *
 * ```
 * TxnOffsetCommit Request (Version: 3) => transactional_id group_id producer_id producer_epoch generation_id member_id group_instance_id [topics] TAG_BUFFER
 *   transactional_id, group_id, member_id => COMPACT_STRING
 *   generation_id => INT32
 *   group_instance_id => COMPACT_NULLABLE_STRING
 *   topics => name [partitions] TAG_BUFFER
 *     partitions => partition_index committed_offset committed_leader_epoch committed_metadata TAG_BUFFER
 *       committed_metadata => COMPACT_NULLABLE_STRING
 * TxnOffsetCommit Response (Version: 3) => throttle_time_ms [topics] TAG_BUFFER
 *   topics => name [partitions] TAG_BUFFER
 *     partitions => partition_index error_code TAG_BUFFER
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { TxnOffsetCommitPartition, TxnOffsetCommitRequest, TxnOffsetCommitResponse } from "./types.ts";

function decodePartition(reader: Reader): TxnOffsetCommitPartition {
  const partitionIndex = reader.int32();
  const committedOffset = reader.int64();
  const committedLeaderEpoch = reader.int32();
  const committedMetadata = reader.compactNullableString();
  reader.skipTaggedFields();
  return { partitionIndex, committedOffset, committedLeaderEpoch, committedMetadata };
}

export function decodeRequest(reader: Reader): TxnOffsetCommitRequest {
  const transactionalId = reader.compactString();
  const groupId = reader.compactString();
  const producerId = reader.int64();
  const producerEpoch = reader.int16();
  const generationId = reader.int32();
  const memberId = reader.compactString();
  const groupInstanceId = reader.compactNullableString();
  const topics = reader.compactArray((r) => {
    const name = r.compactString();
    const partitions = r.compactArray(decodePartition, 18);
    r.skipTaggedFields();
    return { name, partitions };
  }, 3);
  reader.skipTaggedFields();
  return { transactionalId, groupId, producerId, producerEpoch, generationId, memberId, groupInstanceId, topics };
}

export function encodeResponse(writer: Writer, response: TxnOffsetCommitResponse): void {
  writer.int32(response.throttleTimeMs);
  writer.compactArray(response.topics, (w, topic) => {
    w.compactString(topic.name);
    w.compactArray(topic.partitions, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode).emptyTaggedFields());
    w.emptyTaggedFields();
  });
  writer.emptyTaggedFields();
}

/**
 * The sending side (a group coordinator forwarding a transaction's offsets to the transactional
 * id's coordinator on another broker, kafka/txn-marker-channel.ts): the request.
 */
export function encodeRequest(writer: Writer, request: TxnOffsetCommitRequest): void {
  writer.compactString(request.transactionalId).compactString(request.groupId).int64(request.producerId).int16(request.producerEpoch);
  writer.int32(request.generationId).compactString(request.memberId).compactNullableString(request.groupInstanceId);
  writer.compactArray(request.topics, (w, topic) => {
    w.compactString(topic.name);
    w.compactArray(topic.partitions, (pw, p) => pw.int32(p.partitionIndex).int64(p.committedOffset).int32(p.committedLeaderEpoch).compactNullableString(p.committedMetadata).emptyTaggedFields());
    w.emptyTaggedFields();
  });
  writer.emptyTaggedFields();
}

/** The sending side: the answer. */
export function decodeResponse(reader: Reader): TxnOffsetCommitResponse {
  const throttleTimeMs = reader.int32();
  const topics = reader.compactArray((r) => {
    const name = r.compactString();
    const partitions = r.compactArray((p) => {
      const partitionIndex = p.int32();
      const errorCode = p.int16();
      p.skipTaggedFields();
      return { partitionIndex, errorCode };
    }, 7);
    r.skipTaggedFields();
    return { name, partitions };
  }, 3);
  reader.skipTaggedFields();
  return { throttleTimeMs, topics };
}
