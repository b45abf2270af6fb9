/**
 * Heartbeat v2: same layout as v1 (the broker answers before throttling).
 *
 * ```
 * Heartbeat Request (Version: 2) => group_id generation_id member_id
 * Heartbeat Response (Version: 2) => throttle_time_ms error_code
 * ```
 */
export { decodeRequest, encodeResponse } from "./v1.ts";
