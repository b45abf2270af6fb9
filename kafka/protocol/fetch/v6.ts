/**
 * Fetch v6: same layout as v5 (KAFKA_STORAGE_ERROR may be returned).
 *
 * ```
 * Fetch Request (Version: 6) => replica_id max_wait_ms min_bytes max_bytes isolation_level [topics]
 *   (same as v5)
 * Fetch Response (Version: 6) => throttle_time_ms [responses]
 *   (same as v5)
 * ```
 */
export { decodeRequest, encodeResponse } from "./v5.ts";
