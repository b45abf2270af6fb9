/**
 * Consumer groups: `GET /api/groups` (the groups the principal may use, each with members and
 * total lag; at most `consoleGroupsListMax` described), `GET /api/groups/{group}` (members,
 * assignments, committed offsets, lag in records and seconds per partition) and
 * `GET /api/groups/{group}/lag-history` (the sampler's last hour). Offsets, lag and history are
 * shown only for topics the principal may read, as the HTTP API does.
 */
import type { Hono } from "hono";
import type { GroupDescription } from "../../broker/group-api.ts";
import { hasAccess, hasGroupAccess, type Principal, requireGroupAccess } from "../../auth/rights.ts";
import { RivuletError } from "../../core/errors.ts";
import { type ConsoleEnv, type ConsoleState, principalOf } from "../context.ts";
import { groupLag, type PartitionLag, TopicCache } from "../../groups/group-lag.ts";
import { parseGroupId } from "../params.ts";

function readableBy(principal: Principal | null): (topic: string) => boolean {
  return (topic) => principal === null || hasAccess(principal, "read", topic);
}

function totals(lags: PartitionLag[]): { lag_records: number; lag_seconds: number | null } {
  let seconds: number | null = 0;
  for (const lag of lags) {
    if (lag.seconds === null) seconds = lag.records > 0 ? null : seconds;
    else if (seconds !== null) seconds = Math.max(seconds, lag.seconds);
  }
  return { lag_records: lags.reduce((sum, l) => sum + l.records, 0), lag_seconds: seconds };
}

async function describeKnown(state: ConsoleState, groupId: string): Promise<GroupDescription> {
  const group = await state.broker.groups.describeGroup(groupId);
  if (group.state === "Dead" && group.members.length === 0 && group.offsets.length === 0) {
    throw new RivuletError("unknown_group", `group "${groupId}" does not exist`, { group: groupId });
  }
  return group;
}

/** Declares the group routes. */
export function groupRoutes(app: Hono<ConsoleEnv>, state: ConsoleState): void {
  const { broker, options: { limits, clock } } = state;
  app.get("/api/groups", async (c) => {
    const principal = principalOf(c, state);
    const all = (await broker.groups.listGroups()).filter((g) => principal === null || hasGroupAccess(principal, g.groupId));
    all.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
    const topics = new TopicCache(broker);
    const readable = readableBy(principal);
    const fetches = { left: limits.consoleLagFetchesMax };
    const groups = [];
    for (const listed of all.slice(0, limits.consoleGroupsListMax)) {
      const group = await broker.groups.describeGroup(listed.groupId);
      const lags = await groupLag(group, { broker, topics, readable, nowMs: clock.now(), fetches });
      groups.push({ group_id: group.groupId, state: group.state, protocol_type: group.protocolType, members: group.members.length, ...totals(lags) });
    }
    return c.json({ groups, groups_total: all.length });
  });

  app.get("/api/groups/:group", async (c) => {
    const principal = principalOf(c, state);
    const groupId = parseGroupId(c.req.param("group"), limits.groupIdLengthMax);
    if (principal) requireGroupAccess(principal, groupId);
    const group = await describeKnown(state, groupId);
    const readable = readableBy(principal);
    const lags = await groupLag(group, { broker, topics: new TopicCache(broker), readable, nowMs: clock.now(), fetches: { left: limits.consoleLagFetchesMax } });
    return c.json({
      group_id: group.groupId,
      state: group.state,
      protocol_type: group.protocolType,
      protocol: group.protocol,
      generation: group.generationId,
      members: group.members.map((m) => ({
        member_id: m.memberId,
        client_id: m.clientId,
        client_host: m.clientHost,
        assignments: m.assignments.filter((tp) => readable(tp.topic)),
      })),
      partitions: lags.map((l) => ({
        topic: l.topic,
        partition: l.partition,
        committed: l.committed,
        start_offset: l.startOffset,
        end_offset: l.endOffset,
        lag_records: l.records,
        lag_seconds: l.seconds,
      })),
      ...totals(lags),
    });
  });

  app.get("/api/groups/:group/lag-history", async (c) => {
    const principal = principalOf(c, state);
    const groupId = parseGroupId(c.req.param("group"), limits.groupIdLengthMax);
    if (principal) requireGroupAccess(principal, groupId);
    await describeKnown(state, groupId);
    await state.sampler.sampleIfDue();
    const history = state.sampler.history(groupId, readableBy(principal));
    return c.json({
      interval_ms: history.intervalMs,
      window_ms: history.windowMs,
      series: history.series.map((s) => ({ topic: s.topic, partition: s.partition, samples: s.samples })),
    });
  });
}
