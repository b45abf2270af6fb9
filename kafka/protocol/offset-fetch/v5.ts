/**
 * OffsetFetch v5: partitions in the response carry committed_leader_epoch.
 *
 * ```
 * OffsetFetch Request (Version: 5) => group_id [topics]   (as v2-4; null topics = all)
 * OffsetFetch Response (Version: 5) => throttle_time_ms [topics] error_code
 *   topics => name [partitions]
 *     partitions => partition_index committed_offset committed_leader_epoch metadata error_code
 *       committed_leader_epoch => INT32
 * ```
 */
import type { Writer } from "../writer.ts";
import type { OffsetFetchResponse } from "./types.ts";

export { decodeRequest } from "./v2.ts";

export function encodeResponse(writer: Writer, response: OffsetFetchResponse): void {
  writer.int32(response.throttleTimeMs);
  writer.array(response.topics, (w, topic) => {
    w.string(topic.name);
    w.array(topic.partitions, (pw, p) => {
      pw.int32(p.partitionIndex).int64(p.committedOffset).int32(p.committedLeaderEpoch ?? -1).nullableString(p.metadata).int16(p.errorCode);
    });
  });
  writer.int16(response.errorCode);
}
