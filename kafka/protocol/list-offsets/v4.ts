/**
 * ListOffsets v4: partitions carry current_leader_epoch (request) and leader_epoch (response).
 *
 * ```
 * ListOffsets Request (Version: 4) => replica_id isolation_level [topics]
 *   topics => name [partitions]
 *     partitions => partition_index current_leader_epoch timestamp
 *       current_leader_epoch => INT32
 *       timestamp => INT64
 * ListOffsets Response (Version: 4) => throttle_time_ms [topics]
 *   topics => name [partitions]
 *     partitions => partition_index error_code timestamp offset leader_epoch
 *       leader_epoch => INT32
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { ListOffsetsRequest, ListOffsetsResponse } from "./types.ts";

export function decodeRequest(reader: Reader): ListOffsetsRequest {
  const replicaId = reader.int32();
  const isolationLevel = reader.int8();
  const topics = reader.array((r) => ({
    name: r.string(),
    partitions: r.array((p) => ({ partitionIndex: p.int32(), currentLeaderEpoch: p.int32(), timestamp: p.int64() }), 16),
  }), 6);
  return { replicaId, isolationLevel, topics };
}

export function encodeResponse(writer: Writer, response: ListOffsetsResponse): void {
  writer.int32(response.throttleTimeMs);
  writer.array(response.topics, (w, topic) => {
    w.string(topic.name);
    w.array(topic.partitions, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode).int64(p.timestamp).int64(p.offset).int32(p.leaderEpoch ?? -1));
  });
}
