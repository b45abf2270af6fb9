/**
 * Kafka's "authorized operations" bit fields (Metadata v8+, DescribeGroups v3+), derived from
 * the principal's rights: bit N set means ACL operation N is allowed (Kafka's AclOperation
 * codes). Without an auth file (principal null) every operation on the resource is allowed, as
 * a Kafka broker without an authorizer reports. Fields the client did not ask for stay
 * INT32_MIN (the codecs write that when a field is absent).
 *
 * The wrappers add the fields to the one-resource handlers' responses, so the handlers stay as
 * they are for versions that have no such fields.
 */
import { canSeeTopic, hasAccess, hasGroupAccess, isClusterAdmin, type Principal } from "../../auth/rights.ts";
import type { Handler, HandlerContext } from "../handler-context.ts";
import type { DescribeGroupsRequest, DescribeGroupsResponse } from "../protocol/describe-groups/types.ts";
import type { MetadataRequest, MetadataResponse } from "../protocol/metadata/types.ts";

/** Kafka's AclOperation codes. */
export const aclOperations = {
  read: 3, write: 4, create: 5, delete: 6, alter: 7, describe: 8, clusterAction: 9, describeConfigs: 10, alterConfigs: 11, idempotentWrite: 12,
} as const;

type Operation = keyof typeof aclOperations;

function bits(operations: readonly Operation[]): number {
  return operations.reduce((field, op) => field | (1 << aclOperations[op]), 0);
}

const allTopic: Operation[] = ["read", "write", "create", "delete", "alter", "describe", "describeConfigs", "alterConfigs"];
const allCluster: Operation[] = ["create", "alter", "describe", "clusterAction", "describeConfigs", "alterConfigs", "idempotentWrite"];
const allGroup: Operation[] = ["read", "describe", "delete"];

/** What `principal` may do with `topic`. */
export function topicOperations(principal: Principal | null, topic: string): number {
  if (!principal || hasAccess(principal, "admin", topic)) return bits(allTopic);
  const ops: Operation[] = [];
  if (hasAccess(principal, "read", topic)) ops.push("read");
  if (hasAccess(principal, "write", topic)) ops.push("write");
  if (canSeeTopic(principal, topic)) ops.push("describe", "describeConfigs");
  return bits(ops);
}

/** What `principal` may do with the cluster. */
export function clusterOperations(principal: Principal | null): number {
  if (!principal || isClusterAdmin(principal)) return bits(allCluster);
  return hasAccess(principal, "write", null) ? bits(["idempotentWrite"]) : 0;
}

/** What `principal` may do with consumer group `group`. */
export function groupOperations(principal: Principal | null, group: string): number {
  return !principal || hasGroupAccess(principal, group) ? bits(allGroup) : 0;
}

/** Metadata answering v8+'s include_*_authorized_operations. */
export function withMetadataOperations(one: Handler<"Metadata">): Handler<"Metadata"> {
  return async (ctx: HandlerContext, request: MetadataRequest, version: number): Promise<MetadataResponse | null> => {
    const response = await one(ctx, request, version);
    if (!response) return response;
    if (request.includeTopicAuthorizedOperations) {
      for (const topic of response.topics) topic.topicAuthorizedOperations = topicOperations(ctx.principal, topic.name);
    }
    if (request.includeClusterAuthorizedOperations) response.clusterAuthorizedOperations = clusterOperations(ctx.principal);
    return response;
  };
}

/** DescribeGroups answering v3+'s include_authorized_operations. */
export function withGroupOperations(one: Handler<"DescribeGroups">): Handler<"DescribeGroups"> {
  return async (ctx: HandlerContext, request: DescribeGroupsRequest, version: number): Promise<DescribeGroupsResponse | null> => {
    const response = await one(ctx, request, version);
    if (response && request.includeAuthorizedOperations) {
      for (const group of response.groups) group.authorizedOperations = groupOperations(ctx.principal, group.groupId);
    }
    return response;
  };
}
