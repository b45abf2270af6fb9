/**
 * OffsetCommit v4: same layout as v3 (the broker answers before throttling).
 *
 * ```
 * OffsetCommit Request (Version: 4) => group_id generation_id member_id retention_time_ms [topics]
 *   (same as v2)
 * OffsetCommit Response (Version: 4) => throttle_time_ms [topics]
 *   (same as v3)
 * ```
 */
export { decodeRequest, encodeResponse } from "./v3.ts";
