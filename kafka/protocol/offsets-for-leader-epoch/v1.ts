/**
 * OffsetForLeaderEpoch v1: the response adds the epoch found (the largest ≤ the one asked, KIP-279).
 *
 * ```
 * OffsetForLeaderEpoch Request (Version: 1) => [topics]
 *   (same as v0)
 * OffsetForLeaderEpoch Response (Version: 1) => [topics]
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => error_code partition leader_epoch end_offset
 *       error_code => INT16
 *       partition => INT32
 *       leader_epoch => INT32
 *       end_offset => INT64
 * ```
 */
import type { Writer } from "../writer.ts";
import type { OffsetForLeaderEpochResponse } from "./types.ts";
import { encodeTopics } from "./v0.ts";

export { decodeRequest } from "./v0.ts";

export function encodeResponse(writer: Writer, response: OffsetForLeaderEpochResponse): void {
  encodeTopics(writer, response, true);
}
