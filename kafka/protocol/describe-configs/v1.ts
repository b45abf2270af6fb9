/**
 * DescribeConfigs v1: the request may ask for synonyms; configs carry config_source and
 * synonyms instead of is_default.
 *
 * ```
 * DescribeConfigs Request (Version: 1) => [resources] include_synonyms
 *   include_synonyms => BOOLEAN
 * DescribeConfigs Response (Version: 1) => throttle_time_ms [results]
 *   results => error_code error_message resource_type resource_name [configs]
 *     configs => name value read_only config_source is_sensitive [synonyms]
 *       config_source => INT8
 *       synonyms => name value source
 *         value => NULLABLE_STRING
 *         source => INT8
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { DescribeConfigsRequest, DescribeConfigsResponse, DescribedConfig } from "./types.ts";
import { decodeResources, encodeResults } from "./v0.ts";

export function decodeRequest(reader: Reader): DescribeConfigsRequest {
  const resources = decodeResources(reader);
  return { resources, includeSynonyms: reader.boolean(), includeDocumentation: false };
}

/** One config in the v1-2 layout (v3 appends type and documentation). */
export function encodeConfigV1(writer: Writer, c: DescribedConfig): void {
  writer.string(c.name).nullableString(c.value).boolean(c.readOnly).int8(c.configSource).boolean(c.isSensitive);
  writer.array(c.synonyms, (w, s) => w.string(s.name).nullableString(s.value).int8(s.source));
}

export function encodeResponse(writer: Writer, response: DescribeConfigsResponse): void {
  encodeResults(writer, response, encodeConfigV1);
}
