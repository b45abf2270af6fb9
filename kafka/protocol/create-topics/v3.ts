/**
 * CreateTopics v3: same layout as v2 (the broker answers before throttling).
 *
 * ```
 * CreateTopics Request (Version: 3) => [topics] timeout_ms validate_only
 * CreateTopics Response (Version: 3) => throttle_time_ms [topics]
 * ```
 */
export { decodeRequest, encodeResponse } from "./v2.ts";
