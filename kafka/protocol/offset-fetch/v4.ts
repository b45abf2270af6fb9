/**
 * OffsetFetch v4: same layout as v3 (the broker answers before throttling).
 *
 * ```
 * OffsetFetch Request (Version: 4) => group_id [topics]
 *   (same as v2)
 * OffsetFetch Response (Version: 4) => throttle_time_ms [topics] error_code
 *   (same as v3)
 * ```
 */
export { decodeRequest, encodeResponse } from "./v3.ts";
