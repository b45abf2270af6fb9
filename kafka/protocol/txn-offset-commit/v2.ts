/**
 * TxnOffsetCommit v2: each partition carries its committed leader epoch.
 *
 * ```
 * TxnOffsetCommit Request (Version: 2) => ... topics => name [partitions]
 *   partitions => partition_index committed_offset committed_leader_epoch committed_metadata
 *     committed_leader_epoch => INT32
 * TxnOffsetCommit Response (Version: 2) => as v0
 * ```
 */
import type { Reader } from "../reader.ts";
import type { TxnOffsetCommitRequest } from "./types.ts";
import { decodeWith } from "./v0.ts";

export { encodeResponse } from "./v0.ts";

export function decodeRequest(reader: Reader): TxnOffsetCommitRequest {
  return decodeWith(reader, true);
}
