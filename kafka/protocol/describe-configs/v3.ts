/**
 * DescribeConfigs v3: the request may ask for documentation; configs carry their type and
 * documentation.
 *
 * ```
 * DescribeConfigs Request (Version: 3) => [resources] include_synonyms include_documentation
 * DescribeConfigs Response (Version: 3) => as v1, with
 *   configs => name value read_only config_source is_sensitive [synonyms] config_type documentation
 *     config_type => INT8
 *     documentation => NULLABLE_STRING
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { DescribeConfigsRequest, DescribeConfigsResponse } from "./types.ts";
import { decodeResources, encodeResults } from "./v0.ts";
import { encodeConfigV1 } from "./v1.ts";

export function decodeRequest(reader: Reader): DescribeConfigsRequest {
  const resources = decodeResources(reader);
  const includeSynonyms = reader.boolean();
  return { resources, includeSynonyms, includeDocumentation: reader.boolean() };
}

export function encodeResponse(writer: Writer, response: DescribeConfigsResponse): void {
  encodeResults(writer, response, (w, c) => {
    encodeConfigV1(w, c);
    w.int8(c.configType).nullableString(c.documentation);
  });
}
