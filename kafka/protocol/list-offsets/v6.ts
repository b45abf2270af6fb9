/**
 * ListOffsets v6: the first flexible version.
 *
 * ```
 * ListOffsets Request (Version: 6) => replica_id isolation_level [topics] TAG_BUFFER
 *   topics => name [partitions] TAG_BUFFER
 *     name => COMPACT_STRING
 *     partitions => partition_index current_leader_epoch timestamp TAG_BUFFER
 * ListOffsets Response (Version: 6) => throttle_time_ms [topics] TAG_BUFFER
 *   topics => name [partitions] TAG_BUFFER
 *     partitions => partition_index error_code timestamp offset leader_epoch TAG_BUFFER
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { ListOffsetsPartition, ListOffsetsRequest, ListOffsetsResponse } from "./types.ts";

function decodePartition(reader: Reader): ListOffsetsPartition {
  const partitionIndex = reader.int32();
  const currentLeaderEpoch = reader.int32();
  const timestamp = reader.int64();
  reader.skipTaggedFields();
  return { partitionIndex, currentLeaderEpoch, timestamp };
}

export function decodeRequest(reader: Reader): ListOffsetsRequest {
  const replicaId = reader.int32();
  const isolationLevel = reader.int8();
  const topics = reader.compactArray((r) => {
    const name = r.compactString();
    const partitions = r.compactArray(decodePartition, 17);
    r.skipTaggedFields();
    return { name, partitions };
  }, 3);
  reader.skipTaggedFields();
  return { replicaId, isolationLevel, topics };
}

export function encodeResponse(writer: Writer, response: ListOffsetsResponse): void {
  writer.int32(response.throttleTimeMs);
  writer.compactArray(response.topics, (w, topic) => {
    w.compactString(topic.name);
    w.compactArray(topic.partitions, (pw, p) => {
      pw.int32(p.partitionIndex).int16(p.errorCode).int64(p.timestamp).int64(p.offset).int32(p.leaderEpoch ?? -1).emptyTaggedFields();
    });
    w.emptyTaggedFields();
  });
  writer.emptyTaggedFields();
}
