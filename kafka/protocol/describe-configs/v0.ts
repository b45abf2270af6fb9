/**
 * DescribeConfigs v0.
 *
 * ```
 * DescribeConfigs Request (Version: 0) => [resources]
 *   resources => resource_type resource_name [configuration_keys]
 *     resource_type => INT8
 *     resource_name => STRING
 *     configuration_keys => STRING   (nullable array: null = all)
 * DescribeConfigs Response (Version: 0) => throttle_time_ms [results]
 *   results => error_code error_message resource_type resource_name [configs]
 *     error_message => NULLABLE_STRING
 *     configs => name value read_only is_default is_sensitive
 *       value => NULLABLE_STRING
 *       is_default => BOOLEAN
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import { configSources, type DescribeConfigsResource, type DescribeConfigsResponse, type DescribeConfigsRequest, type DescribedConfig } from "./types.ts";

/** The resources of a v0-3 request. */
export function decodeResources(reader: Reader): DescribeConfigsResource[] {
  return reader.array((r) => ({ resourceType: r.int8(), resourceName: r.string(), configurationKeys: r.nullableArray((k) => k.string(), 2) }), 7);
}

export function decodeRequest(reader: Reader): DescribeConfigsRequest {
  return { resources: decodeResources(reader), includeSynonyms: false, includeDocumentation: false };
}

/** The response in the v0-3 layout, each config written by `config`. */
export function encodeResults(writer: Writer, response: DescribeConfigsResponse, config: (writer: Writer, c: DescribedConfig) => void): void {
  writer.int32(response.throttleTimeMs);
  writer.array(response.results, (w, r) => {
    w.int16(r.errorCode).nullableString(r.errorMessage).int8(r.resourceType).string(r.resourceName);
    w.array(r.configs, config);
  });
}

export function encodeResponse(writer: Writer, response: DescribeConfigsResponse): void {
  encodeResults(writer, response, (w, c) => {
    w.string(c.name).nullableString(c.value).boolean(c.readOnly).boolean(c.configSource === configSources.default).boolean(c.isSensitive);
  });
}
