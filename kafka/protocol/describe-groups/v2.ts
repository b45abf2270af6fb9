/**
 * DescribeGroups v2: same layout as v1 (the broker answers before throttling).
 *
 * ```
 * DescribeGroups Request (Version: 2) => [groups]
 * DescribeGroups Response (Version: 2) => throttle_time_ms [groups]
 * ```
 */
export { decodeRequest, encodeResponse } from "./v1.ts";
