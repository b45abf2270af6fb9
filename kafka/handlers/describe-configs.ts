/**
 * DescribeConfigs: a topic's configuration (as the broker holds it: every Rivulet topic config,
 * marked as set on the topic or left at its default) and a small set of true broker settings
 * (this node's id, the defaults it applies to new topics). Rivulet has no AlterConfigs, so every
 * config is read-only. Other resource types (broker loggers, client metrics) get
 * INVALID_REQUEST with a message.
 *
 * Access: a topic's configs need read or write rights on it (TOPIC_AUTHORIZATION_FAILED
 * otherwise), the broker's need cluster admin (CLUSTER_AUTHORIZATION_FAILED); without an auth
 * file everything is visible.
 */
import { defaultTopicConfig } from "../../core/topic-config.ts";
import { mayCluster, mayTopic } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import {
  configResourceTypes,
  configSources,
  configTypes,
  type DescribeConfigsRequest,
  type DescribeConfigsResource,
  type DescribeConfigsResponse,
  type DescribeConfigsResult,
  type DescribedConfig,
} from "../protocol/describe-configs/types.ts";

interface Entry {
  name: string;
  value: string;
  source: number;
  type: number;
}

function configType(value: unknown, name: string): number {
  if (name === "cleanup.policy") return configTypes.list;
  if (typeof value === "boolean") return configTypes.boolean;
  if (typeof value === "number") return configTypes.long;
  return configTypes.string;
}

function topicEntries(ctx: HandlerContext, topic: string): Entry[] {
  const { config } = ctx.broker.topicConfig(topic);
  const defaults = defaultTopicConfig as Readonly<Record<string, unknown>>;
  return Object.entries(config as unknown as Record<string, unknown>).map(([name, value]) => ({
    name,
    value: String(value),
    source: value === defaults[name] ? configSources.default : configSources.topic,
    type: configType(value, name),
  }));
}

function brokerEntries(ctx: HandlerContext): Entry[] {
  const fixed = (name: string, value: string | number | boolean, source: number = configSources.staticBroker): Entry => ({
    name,
    value: String(value),
    source,
    type: configType(value, name),
  });
  return [
    fixed("broker.id", ctx.nodeId),
    fixed("num.partitions", ctx.defaultPartitions),
    fixed("auto.create.topics.enable", ctx.autoCreateTopics),
    fixed("default.replication.factor", 1, configSources.default),
    fixed("message.max.bytes", defaultTopicConfig["message.max.bytes"], configSources.default),
    fixed("log.retention.ms", defaultTopicConfig["retention.ms"], configSources.default),
    fixed("log.retention.bytes", defaultTopicConfig["retention.bytes"], configSources.default),
    fixed("log.segment.bytes", defaultTopicConfig["segment.bytes"], configSources.default),
    fixed("log.cleanup.policy", defaultTopicConfig["cleanup.policy"], configSources.default),
  ];
}

function described(entry: Entry, includeSynonyms: boolean): DescribedConfig {
  return {
    name: entry.name,
    value: entry.value,
    readOnly: true,
    configSource: entry.source,
    isSensitive: false,
    synonyms: includeSynonyms ? [{ name: entry.name, value: entry.value, source: entry.source }] : [],
    configType: entry.type,
    documentation: null,
  };
}

function describe(ctx: HandlerContext, resource: DescribeConfigsResource, request: DescribeConfigsRequest): DescribeConfigsResult {
  const result = (errorCode: number, errorMessage: string | null, configs: DescribedConfig[] = []): DescribeConfigsResult => ({
    errorCode,
    errorMessage,
    resourceType: resource.resourceType,
    resourceName: resource.resourceName,
    configs,
  });
  let entries: Entry[];
  try {
    if (resource.resourceType === configResourceTypes.topic) {
      if (!mayTopic(ctx, "describe", resource.resourceName)) {
        return result(kafkaErrors.TOPIC_AUTHORIZATION_FAILED, `no access to topic ${JSON.stringify(resource.resourceName)}`);
      }
      entries = topicEntries(ctx, resource.resourceName);
    } else if (resource.resourceType === configResourceTypes.broker) {
      if (!mayCluster(ctx)) return result(kafkaErrors.CLUSTER_AUTHORIZATION_FAILED, "broker configs need cluster admin");
      if (resource.resourceName !== "" && resource.resourceName !== String(ctx.nodeId)) {
        return result(kafkaErrors.INVALID_REQUEST, `this broker is node ${ctx.nodeId}, not ${JSON.stringify(resource.resourceName)}`);
      }
      entries = brokerEntries(ctx);
    } else {
      return result(kafkaErrors.INVALID_REQUEST, `configs of resource type ${resource.resourceType} are not kept by Rivulet`);
    }
  } catch (error) {
    return result(kafkaErrorCode(error), error instanceof Error ? error.message : String(error));
  }
  const keys = resource.configurationKeys === null ? null : new Set(resource.configurationKeys);
  const wanted = keys === null ? entries : entries.filter((e) => keys.has(e.name));
  return result(0, null, wanted.map((e) => described(e, request.includeSynonyms)));
}

export async function handleDescribeConfigs(ctx: HandlerContext, request: DescribeConfigsRequest): Promise<DescribeConfigsResponse> {
  return { throttleTimeMs: 0, results: request.resources.map((resource) => describe(ctx, resource, request)) };
}
