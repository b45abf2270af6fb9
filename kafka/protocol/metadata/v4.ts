/**
 * Metadata v4: the request adds allow_auto_topic_creation.
 *
 * ```
 * Metadata Request (Version: 4) => [topics] allow_auto_topic_creation
 *   topics => STRING                      (nullable array: null = every topic)
 *   allow_auto_topic_creation => BOOLEAN
 * Metadata Response (Version: 4) => throttle_time_ms [brokers] cluster_id controller_id [topics]
 *   (same as v3)
 * ```
 */
import type { Reader } from "../reader.ts";
import type { MetadataRequest } from "./types.ts";

export { encodeResponse } from "./v3.ts";

export function decodeRequest(reader: Reader): MetadataRequest {
  const topics = reader.nullableArray((r) => r.string(), 2);
  return { topics, allowAutoTopicCreation: reader.boolean() };
}
