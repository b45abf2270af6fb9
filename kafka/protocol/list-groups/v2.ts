/**
 * ListGroups v2: same layout as v1 (the broker answers before throttling).
 *
 * ```
 * ListGroups Request (Version: 2) =>
 * ListGroups Response (Version: 2) => throttle_time_ms error_code [groups]
 * ```
 */
export { decodeRequest, encodeResponse } from "./v1.ts";
