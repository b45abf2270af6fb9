/**
 * CreateTopics v1: validate_only in the request, error_message in the response.
 *
 * ```
 * CreateTopics Request (Version: 1) => [topics] timeout_ms validate_only
 *   topics => (same as v0)
 *   timeout_ms => INT32
 *   validate_only => BOOLEAN
 * CreateTopics Response (Version: 1) => [topics]
 *   topics => name error_code error_message
 *     name => STRING
 *     error_code => INT16
 *     error_message => NULLABLE_STRING
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { CreateTopicsRequest, CreateTopicsResponse } from "./types.ts";
import { decodeTopics } from "./v0.ts";

export function decodeRequest(reader: Reader): CreateTopicsRequest {
  const topics = decodeTopics(reader);
  const timeoutMs = reader.int32();
  return { topics, timeoutMs, validateOnly: reader.boolean() };
}

export function encodeTopics(writer: Writer, response: CreateTopicsResponse): void {
  writer.array(response.topics, (w, t) => w.string(t.name).int16(t.errorCode).nullableString(t.errorMessage));
}

export function encodeResponse(writer: Writer, response: CreateTopicsResponse): void {
  encodeTopics(writer, response);
}
