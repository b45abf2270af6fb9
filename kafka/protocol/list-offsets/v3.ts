/**
 * ListOffsets v3: same layout as v2 (the broker answers before throttling).
 *
 * ```
 * ListOffsets Request (Version: 3) => replica_id isolation_level [topics]
 *   (same as v2)
 * ListOffsets Response (Version: 3) => throttle_time_ms [topics]
 *   (same as v2)
 * ```
 */
export { decodeRequest, encodeResponse } from "./v2.ts";
