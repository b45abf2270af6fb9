/**
 * PUT: create a stream, or confirm an existing one with the same configuration (200; 409 when
 * it differs). A fork inherits its source's content type and expiry unless given its own. Every
 * check runs before the topic is created; a failure after that drops the topic again, so a
 * refused PUT leaves nothing behind.
 */
import { DEFAULT_CONTENT_TYPE, isJsonMode, sameContentType } from "./content-type.ts";
import { parseCreateRequest, type CreateRequest } from "./create-request.ts";
import { inheritedRanges, recordAt, subOffsetPrefix } from "./fork-plan.ts";
import { jsonRecordValue } from "./json-body.ts";
import type { StreamsContext } from "./options.ts";
import { ProtocolError } from "./protocol-error.ts";
import { readLimited } from "./read-limited.ts";
import type { StreamMeta } from "./stream-meta.ts";
import { newStreamTopic } from "./stream-paths.ts";
import { encodeStreamRecord } from "./stream-records.ts";
import { tailHeaders } from "./stream-responses.ts";
import type { StreamState } from "./stream-state.ts";

/**
 * Handles a PUT.
 *
 * @param ctx the app context
 * @param path the stream key
 * @param request the request
 * @returns 201 (created), 200 (same configuration), or a refusal
 */
export async function handlePut(ctx: StreamsContext, path: string, request: Request): Promise<Response> {
  const create = parseCreateRequest(request.headers, ctx.basePath, ctx.limits.dsHeaderBytesMax);
  const body = await readLimited(request, ctx.appendBytesMax);
  return ctx.registry.locks.run(path, async () => {
    const existing = await liveOrNull(ctx, path);
    if (existing) return confirm(ctx, existing, create);
    const source = create.fork ? await forkSource(ctx, create.fork.source) : null;
    const state = await createStream(ctx, path, create, body, source);
    const headers = tailHeaders(state);
    headers.location = new URL(request.url).origin + path;
    return new Response(null, { status: 201, headers });
  });
}

async function liveOrNull(ctx: StreamsContext, path: string): Promise<StreamState | null> {
  const existing = ctx.registry.peek(path);
  if (!existing || existing.gone) return null;
  if (ctx.registry.isExpired(existing, ctx.clock.now())) await ctx.registry.expire(existing);
  if (existing.gone) return null;
  if (existing.meta.softDeleted) throw new ProtocolError(409, "soft_deleted", "the stream was deleted but forks still read it; its path cannot be reused yet");
  await ctx.registry.load(existing);
  return existing;
}

async function forkSource(ctx: StreamsContext, key: string): Promise<StreamState> {
  const source = ctx.registry.peek(key);
  if (!source || source.gone) throw new ProtocolError(404, "not_found", "the fork source does not exist");
  if (ctx.registry.isExpired(source, ctx.clock.now())) await ctx.registry.locks.run(key, () => ctx.registry.expire(source));
  if (source.gone) throw new ProtocolError(404, "not_found", "the fork source does not exist");
  if (source.meta.softDeleted) throw new ProtocolError(409, "soft_deleted", "the fork source was deleted");
  await ctx.registry.load(source);
  return source;
}

function confirm(ctx: StreamsContext, existing: StreamState, create: CreateRequest): Response {
  const meta = existing.meta;
  const inherits = create.fork !== null && create.ttlSeconds === null && create.expiresAtMs === null;
  const sameType = sameContentType(create.contentType ?? (create.fork ? meta.contentType : DEFAULT_CONTENT_TYPE), meta.contentType);
  const sameExpiry = inherits || (create.ttlSeconds === meta.ttlSeconds && create.expiresAtMs === meta.expiresAtMs);
  const f = create.fork;
  const sameFork = f === null || (meta.fork !== null && meta.fork.source === f.source && (f.offset === null || f.offset === meta.fork.offset) && f.subOffset === meta.fork.subOffset);
  if (!sameType || !sameExpiry || !sameFork) throw new ProtocolError(409, "config_mismatch", "the stream exists with another configuration");
  return new Response(null, { status: 200, headers: tailHeaders(existing) });
}

async function createStream(ctx: StreamsContext, path: string, create: CreateRequest, body: Uint8Array, source: StreamState | null): Promise<StreamState> {
  const now = ctx.clock.now();
  let contentType = create.contentType ?? source?.meta.contentType ?? DEFAULT_CONTENT_TYPE;
  if (source && !sameContentType(contentType, source.meta.contentType)) throw new ProtocolError(409, "content_type_mismatch", "a fork keeps its source's content type");
  if (source && create.contentType === null) contentType = source.meta.contentType;
  const values: Uint8Array[] = [];
  let base = 0;
  let inherited: StreamMeta["inherited"] = [];
  let fork: StreamMeta["fork"] = null;
  if (source && create.fork) {
    const at = create.fork.offset ?? source.tail;
    if (at > source.tail) throw new ProtocolError(400, "bad_fork_offset", "Stream-Fork-Offset is past the source's tail");
    if (create.fork.subOffset > 0) values.push(subOffsetPrefix(await recordAt(ctx.broker, source, at), create.fork.subOffset, contentType));
    base = at;
    inherited = inheritedRanges(source.meta, at);
    fork = { source: source.meta.path, sourceTopic: source.meta.topic, offset: at, subOffset: create.fork.subOffset };
  }
  if (body.length > 0) {
    const value = isJsonMode(contentType) ? jsonRecordValue(body, true) : body;
    if (value) values.push(value);
  }
  const inherit = source !== null && create.ttlSeconds === null && create.expiresAtMs === null;
  const meta: StreamMeta = {
    path, topic: newStreamTopic(path), contentType, createdMs: now, base, inherited, fork, softDeleted: false, producers: [],
    ttlSeconds: inherit ? source.meta.ttlSeconds : create.ttlSeconds,
    expiresAtMs: inherit ? source.meta.expiresAtMs : create.expiresAtMs,
    snapshot: { upTo: 0, closed: false, closedBy: null, streamSeq: null, producers: [], lastAccessMs: now },
  };
  const records = await writeInitialRecords(ctx, meta.topic, values, create.closed, now);
  meta.snapshot = { ...meta.snapshot, upTo: records, closed: create.closed };
  try {
    const state = await ctx.registry.add(meta, source);
    state.loading = Promise.resolve();
    return state;
  } catch (error) {
    await ctx.registry.dropTopic(meta.topic).catch(() => {});
    throw error;
  }
}

async function writeInitialRecords(ctx: StreamsContext, topic: string, values: Uint8Array[], closed: boolean, now: number): Promise<number> {
  const config = { ...ctx.topicConfig, "retention.ms": -1, "retention.bytes": -1, "message.max.bytes": ctx.appendBytesMax + ctx.limits.dsHeaderBytesMax + 4096 };
  await ctx.broker.createTopic(topic, { partitions: 1, internal: true, config });
  const records: Array<{ value: Uint8Array | null; close: boolean }> = values.map((value, i) => ({ value, close: closed && i === values.length - 1 }));
  if (closed && records.length === 0) records.push({ value: null, close: true });
  try {
    for (const r of records) {
      await ctx.broker.appendBatch(topic, 0, encodeStreamRecord({ value: r.value, streamSeq: null, close: r.close, producer: null, timestamp: now }));
    }
  } catch (error) {
    await ctx.registry.dropTopic(topic).catch(() => {});
    throw error;
  }
  return records.length;
}
