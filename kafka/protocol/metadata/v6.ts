/**
 * Metadata v6: same layout as v5 (the broker answers before throttling).
 *
 * ```
 * Metadata Request (Version: 6) => [topics] allow_auto_topic_creation
 *   topics => STRING                      (nullable array: null = every topic)
 *   allow_auto_topic_creation => BOOLEAN
 * Metadata Response (Version: 6) => throttle_time_ms [brokers] cluster_id controller_id [topics]
 *   (same as v5: partitions carry offline_replicas)
 * ```
 */
export { decodeRequest, encodeResponse } from "./v5.ts";
