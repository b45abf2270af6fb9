/**
 * Produce v6: same layout as v5 (the broker answers before throttling).
 *
 * ```
 * Produce Request (Version: 6) => transactional_id acks timeout_ms [topic_data]
 *   (same as v3)
 * Produce Response (Version: 6) => [responses] throttle_time_ms
 *   (same as v5)
 * ```
 */
export { decodeRequest, encodeResponse } from "./v5.ts";
