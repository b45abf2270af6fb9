/**
 * Consumer-group members over HTTP: join, poll (also the heartbeat), commit, leave. The
 * coordinator assigns partitions ("managed" members); the HTTP layer keeps each member's read
 * position (see `http/groups/member-positions.ts`). With auth on, every route needs read on the
 * group; joining, polling and committing also need read on each topic involved, checked before
 * anything is joined, read or committed.
 */
import type { OffsetCommitEntry } from "../../broker/group-api.ts";
import { isRivuletError, RivuletError } from "../../core/errors.ts";
import { parseBody } from "../body.ts";
import { readRequestBody } from "../../runtime/request-body.ts";
import { type AppContext, authorize, type HttpContext, requestSignal } from "../context.ts";
import { parseCommit, parseId, parseJoin } from "../groups/group-params.ts";
import { TopicCache } from "../../groups/group-lag.ts";
import type { MemberState } from "../groups/member-positions.ts";
import { pollMember } from "../groups/poll-member.ts";
import { requestEncoding, responseEncoding } from "../media.ts";
import { groupParam, membershipSchema, memberParam, pollResponseSchema } from "../openapi/schemas.ts";
import { isolationParam, parseBoundedInt, parseIsolation } from "../params.ts";
import { cborRecords } from "../records/cbor-records-out.ts";
import { writeRecordsJson, writerFor } from "../records/json-records-bytes.ts";
import { encodeCbor, replyCborBytes, replyJsonBytes, replyWith } from "../reply.ts";
import type { Router } from "../router.ts";
import { clusterReads } from "../cluster-reads.ts";

async function readOptionalBody(c: AppContext, limit: number): Promise<unknown> {
  const encoding = requestEncoding(c.req.header("content-type"));
  const bytes = await readRequestBody(c.req.raw, limit);
  return bytes.byteLength === 0 ? undefined : parseBody(bytes, encoding);
}

function memberState(ctx: HttpContext, groupId: string, memberId: string): MemberState {
  let state = ctx.members.get(groupId, memberId);
  if (!state) {
    const { limits, clock } = ctx.options;
    state = { groupId, memberId, reset: "earliest", sessionTimeoutMs: limits.sessionTimeoutMsDefault, generation: -1, positions: new Map(), lastSeenMs: clock.now() };
    ctx.members.add(state);
  }
  return state;
}

/** Forgets a member the coordinator no longer knows, then rethrows. */
function forgetIfGone(ctx: HttpContext, state: MemberState, error: unknown): never {
  if (isRivuletError(error, "unknown_member") || isRivuletError(error, "unknown_group")) ctx.members.delete(state.groupId, state.memberId);
  throw error;
}

/** Declares the member routes. */
export function groupMemberRoutes(router: Router, ctx: HttpContext): void {
  const { broker, options: { limits, clock } } = ctx;
  router.route({
    method: "post", path: "/v1/groups/:group/members", operationId: "joinGroup", tag: "groups", summary: "Join a group; the coordinator assigns partitions",
    access: { group: "path" }, cbor: true, params: [groupParam],
    body: {
      description: "Topics to consume; auto.offset.reset (earliest|latest, default earliest) applies where nothing is committed",
      cbor: true,
      schema: { type: "object", required: ["topics"], properties: { topics: { type: "array", items: { type: "string" } }, "auto.offset.reset": { enum: ["earliest", "latest"] }, session_timeout_ms: { type: "integer" }, assignor: { enum: ["range", "roundrobin"] }, client_id: { type: "string" } } },
    },
    responses: { 200: { description: "The membership", schema: membershipSchema } },
  }, async (c) => {
    const groupId = parseId(c.req.param("group"), "group");
    const join = parseJoin(await readOptionalBody(c, limits.httpBodyBytesMax), limits);
    for (const topic of join.topics) authorize(c, "read", topic);
    const topics = new TopicCache(broker);
    for (const topic of join.topics) {
      if (!(await topics.get(topic))) throw new RivuletError("unknown_topic", `topic "${topic}" does not exist`, { topic });
    }
    const membership = await broker.groups.joinManaged(groupId, join.topics, { sessionTimeoutMs: join.sessionTimeoutMs, assignor: join.assignor, clientId: join.clientId });
    const now = clock.now();
    ctx.members.sweep(now);
    ctx.members.add({ groupId, memberId: membership.memberId, reset: join.reset, sessionTimeoutMs: join.sessionTimeoutMs, generation: membership.generation, positions: new Map(), lastSeenMs: now });
    return replyWith({ member_id: membership.memberId, generation: membership.generation, assignments: membership.assignments }, responseEncoding(c.req.header("accept")));
  });

  router.route({
    method: "get", path: "/v1/groups/:group/members/:member/records", operationId: "pollGroup", tag: "groups",
    summary: "Poll the member's partitions (also its heartbeat)", access: { group: "path" }, cbor: true,
    params: [
      groupParam, memberParam,
      { name: "max_records", in: "query", description: `Most records (default ${limits.httpFetchRecordsDefault})`, schema: { type: "integer", minimum: 1 } },
      { name: "wait_ms", in: "query", description: `Wait this long for records (at most ${limits.fetchWaitMsMax})`, schema: { type: "integer", minimum: 0 } },
      isolationParam,
    ],
    responses: { 200: { description: "Records (with topic and partition), generation and assignments", schema: pollResponseSchema } },
  }, async (c) => {
    const state = memberState(ctx, parseId(c.req.param("group"), "group"), parseId(c.req.param("member"), "member"));
    const maxRecords = Math.max(1, parseBoundedInt(c.req.query("max_records"), "max_records", limits.httpFetchRecordsDefault, limits.fetchRecordsMax));
    const waitMs = parseBoundedInt(c.req.query("wait_ms"), "wait_ms", 0, limits.fetchWaitMsMax);
    const isolation = parseIsolation(c.req.query("isolation"));
    const authorizeTopic = (topic: string) => authorize(c, "read", topic);
    // In a cluster this broker is the group's coordinator (the route was forwarded here); the
    // member's partitions are read from their leaders.
    const cluster = ctx.options.cluster;
    const reads = cluster?.clustered
      ? clusterReads(cluster, broker, { protocol: new URL(c.req.url).protocol, fetch: ctx.options.brokerFetch, authorization: c.req.header("authorization") ?? null, callTimeoutMs: limits.clusterForwardTimeoutMs })
      : broker;
    const { membership, records } = await pollMember(reads, state, { waitMs, maxRecords, signal: requestSignal(c, ctx), nowMs: clock.now(), authorizeTopic, isolation })
      .catch((error) => forgetIfGone(ctx, state, error));
    for (const record of records) ctx.metrics.fetched(record.topic, 1, 0);
    const assignments = JSON.stringify(membership.assignments);
    if (responseEncoding(c.req.header("accept")) === "cbor") {
      return replyCborBytes(encodeCbor({ records: cborRecords(records, true), member_id: membership.memberId, generation: membership.generation, assignments: membership.assignments }));
    }
    const w = writerFor(records);
    w.ascii(`{"records":`);
    writeRecordsJson(w, records, true);
    w.text(`,"member_id":${JSON.stringify(membership.memberId)},"generation":${membership.generation},"assignments":${assignments}}`);
    return replyJsonBytes(w.view());
  });

  router.route({
    method: "post", path: "/v1/groups/:group/members/:member/offsets", operationId: "commitOffsets", tag: "groups",
    summary: "Commit offsets (the next offset to read); without a body, commits the member's current positions",
    access: { group: "path" }, cbor: true, params: [groupParam, memberParam],
    body: { description: "Offsets to commit", cbor: true, schema: { type: "object", properties: { offsets: { type: "array", items: { type: "object", required: ["topic", "partition", "offset"], properties: { topic: { type: "string" }, partition: { type: "integer" }, offset: { type: "integer" } } } } } } },
    responses: { 200: { description: "What was committed" } },
  }, async (c) => {
    const state = memberState(ctx, parseId(c.req.param("group"), "group"), parseId(c.req.param("member"), "member"));
    const given = parseCommit(await readOptionalBody(c, limits.httpBodyBytesMax));
    if (given) for (const entry of given) authorize(c, "read", entry.topic);
    if (state.generation < 0) {
      const membership = await broker.groups.pollManaged(state.groupId, state.memberId).catch((error) => forgetIfGone(ctx, state, error));
      state.generation = membership.generation;
    }
    const entries: OffsetCommitEntry[] = given ?? [...state.positions].map(([key, offset]) => {
      const [topic, partition] = key.split("\u0000");
      return { topic, partition: Number(partition), offset, metadata: null };
    });
    if (entries.length > 0) {
      await broker.groups.commitOffsets(state.groupId, state.generation, state.memberId, entries).catch((error) => forgetIfGone(ctx, state, error));
    }
    state.lastSeenMs = clock.now();
    return replyWith({ offsets: entries.map((e) => ({ topic: e.topic, partition: e.partition, offset: e.offset })) }, responseEncoding(c.req.header("accept")));
  });

  router.route({
    method: "delete", path: "/v1/groups/:group/members/:member", operationId: "leaveGroup", tag: "groups", summary: "Leave the group",
    access: { group: "path" }, params: [groupParam, memberParam], responses: { 204: { description: "Left" } },
  }, async (c) => {
    const groupId = parseId(c.req.param("group"), "group");
    const memberId = parseId(c.req.param("member"), "member");
    ctx.members.delete(groupId, memberId);
    await broker.groups.leaveGroup(groupId, [memberId]);
    return new Response(null, { status: 204 });
  });
}
