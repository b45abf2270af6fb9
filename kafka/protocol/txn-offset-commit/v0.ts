/**
 * TxnOffsetCommit v0
 *
 * ```
 * TxnOffsetCommit Request (Version: 0) => transactional_id group_id producer_id producer_epoch [topics]
 *   transactional_id, group_id => STRING
 *   producer_id => INT64
 *   producer_epoch => INT16
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset committed_metadata
 *       partition_index => INT32
 *       committed_offset => INT64
 *       committed_metadata => NULLABLE_STRING
 * TxnOffsetCommit Response (Version: 0) => throttle_time_ms [topics]
 *   throttle_time_ms => INT32
 *   topics => name [partitions]
 *     partitions => partition_index error_code
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { TxnOffsetCommitPartition, TxnOffsetCommitRequest, TxnOffsetCommitResponse } from "./types.ts";

/** Reads v0-2's body; v2 adds the partitions' leader epoch. */
export function decodeWith(reader: Reader, leaderEpoch: boolean): TxnOffsetCommitRequest {
  const transactionalId = reader.string();
  const groupId = reader.string();
  const producerId = reader.int64();
  const producerEpoch = reader.int16();
  const partition = (r: Reader): TxnOffsetCommitPartition => {
    const partitionIndex = r.int32();
    const committedOffset = r.int64();
    const committedLeaderEpoch = leaderEpoch ? r.int32() : -1;
    return { partitionIndex, committedOffset, committedLeaderEpoch, committedMetadata: r.nullableString() };
  };
  const topics = reader.array((r) => ({ name: r.string(), partitions: r.array(partition, 14) }), 6);
  return { transactionalId, groupId, producerId, producerEpoch, generationId: -1, memberId: "", groupInstanceId: null, topics };
}

export function decodeRequest(reader: Reader): TxnOffsetCommitRequest {
  return decodeWith(reader, false);
}

export function encodeResponse(writer: Writer, response: TxnOffsetCommitResponse): void {
  writer.int32(response.throttleTimeMs);
  writer.array(response.topics, (w, topic) => {
    w.string(topic.name);
    w.array(topic.partitions, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode));
  });
}
