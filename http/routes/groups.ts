/**
 * Consumer-group admin routes: list groups, describe one with its members, offsets and lag.
 * With auth on, the list holds only the groups the principal may use, describing needs read on
 * the group, and offsets and lag are shown for the topics the principal may read (as Kafka's
 * OffsetFetch refuses them per topic).
 */
import type { GroupDescription } from "../../broker/group-api.ts";
import type { BrokerApi } from "../../broker/types.ts";
import { RivuletError } from "../../core/errors.ts";
import { hasAccess, hasGroupAccess } from "../../auth/rights.ts";
import type { HttpContext } from "../context.ts";
import { groupLag, TopicCache } from "../../groups/group-lag.ts";
import { parseId } from "../groups/group-params.ts";
import { responseEncoding } from "../media.ts";
import { groupParam, topicPartitionSchema } from "../openapi/schemas.ts";
import { replyWith } from "../reply.ts";
import type { Router } from "../router.ts";

/** A group in the API's shape; committed offsets and lag only of topics `readable` allows. */
async function renderGroup(broker: BrokerApi, group: GroupDescription, topics: TopicCache, readable: (topic: string) => boolean): Promise<Record<string, unknown>> {
  const lags = await groupLag(group, { broker, topics, readable, nowMs: 0 });
  return {
    group_id: group.groupId,
    state: group.state,
    protocol_type: group.protocolType,
    protocol: group.protocol,
    generation: group.generationId,
    members: group.members.map((m) => ({ member_id: m.memberId, client_id: m.clientId, client_host: m.clientHost, assignments: m.assignments })),
    offsets: lags.map((l) => ({ topic: l.topic, partition: l.partition, offset: l.committed, end_offset: l.endOffset, lag: l.records })),
    lag: lags.reduce((sum, l) => sum + l.records, 0),
  };
}

/** Declares the group admin routes. */
export function groupRoutes(router: Router, ctx: HttpContext): void {
  const { broker } = ctx;
  router.route({
    method: "get", path: "/v1/groups", operationId: "listGroups", tag: "groups", summary: "List consumer groups", access: "token", cbor: true,
    responses: { 200: { description: "Groups", schema: { type: "object", properties: { groups: { type: "array", items: { type: "object", properties: { group_id: { type: "string" }, state: { type: "string" }, protocol_type: { type: "string" } } } } } } } },
  }, async (c) => {
    const principal = c.get("principal");
    const all = await broker.groups.listGroups();
    const groups = principal ? all.filter((g) => hasGroupAccess(principal, g.groupId)) : all;
    const body = { groups: groups.map((g) => ({ group_id: g.groupId, state: g.state, protocol_type: g.protocolType })) };
    return replyWith(body, responseEncoding(c.req.header("accept")));
  });

  router.route({
    method: "get", path: "/v1/groups/:group", operationId: "describeGroup", tag: "groups",
    summary: "Describe a group: members, assignments, committed offsets and lag (end offset − committed)", access: { group: "path" }, cbor: true, params: [groupParam],
    responses: {
      200: {
        description: "The group",
        schema: {
          type: "object",
          properties: {
            group_id: { type: "string" }, state: { type: "string" }, generation: { type: "integer" },
            members: { type: "array", items: { type: "object", properties: { member_id: { type: "string" }, client_id: { type: "string" }, assignments: { type: "array", items: topicPartitionSchema } } } },
            offsets: { type: "array", items: { type: "object", properties: { topic: { type: "string" }, partition: { type: "integer" }, offset: { type: ["integer", "null"] }, end_offset: { type: "integer" }, lag: { type: "integer" } } } },
            lag: { type: "integer", description: "Total lag in records" },
          },
        },
      },
    },
  }, async (c) => {
    const groupId = parseId(c.req.param("group"), "group");
    const group = await broker.groups.describeGroup(groupId);
    if (group.state === "Dead" && group.members.length === 0 && group.offsets.length === 0) {
      throw new RivuletError("unknown_group", `group "${groupId}" does not exist`, { group: groupId });
    }
    const principal = c.get("principal");
    const body = await renderGroup(broker, group, new TopicCache(broker), (topic) => !principal || hasAccess(principal, "read", topic));
    return replyWith(body, responseEncoding(c.req.header("accept")));
  });
}
