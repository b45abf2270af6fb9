/** DescribeConfigs (key 32): the configuration of topics and brokers. */

/** Kafka's resource types: 2 topic, 4 broker (others are answered with an error). */
export const configResourceTypes = { topic: 2, broker: 4, brokerLogger: 8 } as const;

/** Where a config's value comes from (Kafka's config_source). */
export const configSources = { unknown: 0, topic: 1, dynamicBroker: 2, dynamicDefaultBroker: 3, staticBroker: 4, default: 5 } as const;

/** Kafka's config_type (v3+). */
export const configTypes = { unknown: 0, boolean: 1, string: 2, int: 3, short: 4, long: 5, double: 6, list: 7, class: 8, password: 9 } as const;

export interface DescribeConfigsResource {
  resourceType: number;
  resourceName: string;
  /** null = every config of the resource. */
  configurationKeys: string[] | null;
}

export interface DescribeConfigsRequest {
  resources: DescribeConfigsResource[];
  /** v1+; false before. */
  includeSynonyms: boolean;
  /** v3+; false before. */
  includeDocumentation: boolean;
}

export interface DescribeConfigsSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** v1+ (v0 writes is_default = source is `default`). */
  configSource: number;
  isSensitive: boolean;
  /** v1+ */
  synonyms: DescribeConfigsSynonym[];
  /** v3+ */
  configType: number;
  /** v3+ */
  documentation: string | null;
}

export interface DescribeConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: DescribedConfig[];
}

export interface DescribeConfigsResponse {
  throttleTimeMs: number;
  results: DescribeConfigsResult[];
}
