/**
 * OffsetForLeaderEpoch v3: the request adds replica_id (a follower's broker id, -1 for a consumer).
 *
 * ```
 * OffsetForLeaderEpoch Request (Version: 3) => replica_id [topics]
 *   replica_id => INT32
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition current_leader_epoch leader_epoch
 *       partition => INT32
 *       current_leader_epoch => INT32
 *       leader_epoch => INT32
 * OffsetForLeaderEpoch Response (Version: 3) => throttle_time_ms [topics]
 *   (same as v2)
 * ```
 */
import type { Reader } from "../reader.ts";
import type { OffsetForLeaderEpochRequest } from "./types.ts";
import { decodeTopics } from "./v0.ts";

export { encodeResponse } from "./v2.ts";

export function decodeRequest(reader: Reader): OffsetForLeaderEpochRequest {
  const replicaId = reader.int32();
  return { replicaId, topics: decodeTopics(reader, true) };
}
