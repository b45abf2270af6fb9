/**
 * DescribeConfigs v4: the first flexible version (fields as v3).
 *
 * ```
 * DescribeConfigs Request (Version: 4) => [resources] include_synonyms include_documentation TAG_BUFFER
 *   resources => resource_type resource_name [configuration_keys] TAG_BUFFER
 *     resource_name, configuration_keys => COMPACT_STRING   (compact nullable array)
 * DescribeConfigs Response (Version: 4) => throttle_time_ms [results] TAG_BUFFER
 *   results => error_code error_message resource_type resource_name [configs] TAG_BUFFER
 *     configs => name value read_only config_source is_sensitive [synonyms] config_type documentation TAG_BUFFER
 *       synonyms => name value source TAG_BUFFER
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { DescribeConfigsRequest, DescribeConfigsResponse } from "./types.ts";

export function decodeRequest(reader: Reader): DescribeConfigsRequest {
  const resources = reader.compactArray((r) => {
    const resourceType = r.int8();
    const resourceName = r.compactString();
    const configurationKeys = r.compactNullableArray((k) => k.compactString(), 1);
    r.skipTaggedFields();
    return { resourceType, resourceName, configurationKeys };
  }, 4);
  const includeSynonyms = reader.boolean();
  const includeDocumentation = reader.boolean();
  reader.skipTaggedFields();
  return { resources, includeSynonyms, includeDocumentation };
}

export function encodeResponse(writer: Writer, response: DescribeConfigsResponse): void {
  writer.int32(response.throttleTimeMs);
  writer.compactArray(response.results, (w, r) => {
    w.int16(r.errorCode).compactNullableString(r.errorMessage).int8(r.resourceType).compactString(r.resourceName);
    w.compactArray(r.configs, (cw, c) => {
      cw.compactString(c.name).compactNullableString(c.value).boolean(c.readOnly).int8(c.configSource).boolean(c.isSensitive);
      cw.compactArray(c.synonyms, (sw, s) => sw.compactString(s.name).compactNullableString(s.value).int8(s.source).emptyTaggedFields());
      cw.int8(c.configType).compactNullableString(c.documentation).emptyTaggedFields();
    });
    w.emptyTaggedFields();
  });
  writer.emptyTaggedFields();
}
