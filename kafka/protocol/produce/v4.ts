/**
 * Produce v4: same layout as v3 (KIP-98 errors may be returned).
 *
 * ```
 * Produce Request (Version: 4) => transactional_id acks timeout_ms [topic_data]
 *   (same as v3)
 * Produce Response (Version: 4) => [responses] throttle_time_ms
 *   (same as v3)
 * ```
 */
export { decodeRequest, encodeResponse } from "./v3.ts";
