/**
 * ApiVersions v2: same layout as v1 (the broker answers before throttling).
 *
 * ```
 * ApiVersions Request (Version: 2) =>
 * ApiVersions Response (Version: 2) => error_code [api_keys] throttle_time_ms
 *   error_code => INT16
 *   api_keys => api_key min_version max_version
 *     api_key => INT16
 *     min_version => INT16
 *     max_version => INT16
 *   throttle_time_ms => INT32
 * ```
 */
export { decodeRequest, encodeResponse } from "./v1.ts";
