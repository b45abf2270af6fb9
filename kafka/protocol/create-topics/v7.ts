/**
 * CreateTopics v7: results carry the topic id. Rivulet's topics have no ids, so it writes the
 * all-zero id, which clients read as "none".
 *
 * ```
 * CreateTopics Response (Version: 7) => throttle_time_ms [topics] TAG_BUFFER
 *   topics => name topic_id error_code error_message num_partitions replication_factor [configs] TAG_BUFFER
 *     topic_id => UUID
 * ```
 */
import type { Writer } from "../writer.ts";
import type { CreateTopicsResponse } from "./types.ts";
import { encodeResponseWith } from "./v5.ts";

export { decodeRequest } from "./v5.ts";

export function encodeResponse(writer: Writer, response: CreateTopicsResponse): void {
  encodeResponseWith(writer, response, true);
}
