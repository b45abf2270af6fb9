/**
 * LeaveGroup v2: same layout as v1 (the broker answers before throttling).
 *
 * ```
 * LeaveGroup Request (Version: 2) => group_id member_id
 * LeaveGroup Response (Version: 2) => throttle_time_ms error_code
 * ```
 */
export { decodeRequest, encodeResponse } from "./v1.ts";
