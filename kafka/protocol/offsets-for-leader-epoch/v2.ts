/**
 * OffsetForLeaderEpoch v2: the request adds current_leader_epoch (fencing, KIP-320), the
 * response throttle_time_ms.
 *
 * ```
 * OffsetForLeaderEpoch Request (Version: 2) => [topics]
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition current_leader_epoch leader_epoch
 *       partition => INT32
 *       current_leader_epoch => INT32
 *       leader_epoch => INT32
 * OffsetForLeaderEpoch Response (Version: 2) => throttle_time_ms [topics]
 *   throttle_time_ms => INT32
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => error_code partition leader_epoch end_offset
 *       error_code => INT16
 *       partition => INT32
 *       leader_epoch => INT32
 *       end_offset => INT64
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from "./types.ts";
import { decodeTopics, encodeTopics, REPLICA_ID_DEFAULT } from "./v0.ts";

export function decodeRequest(reader: Reader): OffsetForLeaderEpochRequest {
  return { replicaId: REPLICA_ID_DEFAULT, topics: decodeTopics(reader, true) };
}

export function encodeResponse(writer: Writer, response: OffsetForLeaderEpochResponse): void {
  writer.int32(response.throttleTimeMs);
  encodeTopics(writer, response, true);
}
