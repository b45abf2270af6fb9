/**
 * GET: catch-up reads (from an offset, `-1` for the start, `now` for the tail), long-polls
 * (`live=long-poll`: wait for the next append, 204 on timeout) and SSE (`live=sse`, see
 * `sse-stream.ts`). Catch-up answers carry an ETag `"<topic>:<from>:<next>[:c]"`, naming an
 * immutable range of an incarnation of the stream, and honour If-None-Match with 304. A read
 * that stops short of the tail starts fetching the next range (`read-ahead.ts`).
 */
import { nextCursor } from "./cursor.ts";
import { isJsonMode } from "./content-type.ts";
import { formatOffset, parseReadOffset } from "./offsets.ts";
import type { StreamsContext } from "./options.ts";
import { H } from "./protocol-headers.ts";
import { ProtocolError } from "./protocol-error.ts";
import { answerBody } from "./answer-body.ts";
import { sseResponse } from "./sse-stream.ts";
import { readStream, type ReadResult } from "./stream-reader.ts";
import type { StreamState } from "./stream-state.ts";

const EMPTY_JSON = new TextEncoder().encode("[]");

/**
 * Handles a GET.
 *
 * @returns 200 with data, 204 (long-poll timeout), 304, an SSE stream, or a refusal
 */
export async function handleGet(ctx: StreamsContext, path: string, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const offsets = url.searchParams.getAll("offset");
  const live = url.searchParams.get("live");
  if (live !== null && live !== "long-poll" && live !== "sse") throw new ProtocolError(400, "bad_live", "live must be long-poll or sse");
  if (live !== null && offsets.length === 0) throw new ProtocolError(400, "no_offset", `live=${live} needs an offset`);
  const wanted = parseReadOffset(offsets);
  const state = await ctx.registry.access(path, { touch: true });
  const from = wanted.kind === "offset" ? wanted.offset : wanted.kind === "start" ? 0 : state.tail;
  if (from > state.tail) throw new ProtocolError(400, "bad_offset", "the offset is past the stream's tail");
  const signal = AbortSignal.any([request.signal, ctx.signal]);
  const cursor = url.searchParams.get("cursor");
  if (live === "sse") return sseResponse(ctx, state, from, cursor, signal);
  if (live === "long-poll") return longPoll(ctx, state, from, cursor, signal, request);
  if (wanted.kind === "now") return nowAnswer(state);
  const result = await (ctx.readAhead.take(state, from) ?? readStream(ctx.broker, state, from, { maxBytes: ctx.limits.dsReadBytesMax }));
  return dataAnswer(ctx, state, from, result, request, null);
}

function nowAnswer(state: StreamState): Response {
  const headers: Record<string, string> = {
    "content-type": state.meta.contentType, [H.nextOffset]: formatOffset(state.tail), [H.upToDate]: "true", "cache-control": "no-store",
  };
  if (state.closed) headers[H.closed] = "true";
  return new Response(isJsonMode(state.meta.contentType) ? EMPTY_JSON : null, { status: 200, headers });
}

async function longPoll(ctx: StreamsContext, state: StreamState, from: number, cursor: string | null, signal: AbortSignal, request: Request): Promise<Response> {
  const waitMs = state.closed && from >= state.tail ? 0 : ctx.limits.dsLongPollMs;
  let result: ReadResult;
  try {
    result = await (ctx.readAhead.take(state, from) ?? readStream(ctx.broker, state, from, { maxBytes: ctx.limits.dsReadBytesMax, waitMs, signal }));
  } catch (error) {
    if (!signal.aborted) throw error;
    result = { values: [], bytes: 0, next: from, closed: false };
  }
  const responseCursor = nextCursor(ctx.clock.now(), cursor);
  if (result.values.length > 0) return dataAnswer(ctx, state, from, result, request, responseCursor);
  const headers: Record<string, string> = { [H.nextOffset]: formatOffset(result.next), [H.upToDate]: "true", [H.cursor]: responseCursor, "cache-control": "no-store" };
  if (result.closed || (state.closed && result.next >= state.tail)) headers[H.closed] = "true";
  return new Response(null, { status: 204, headers });
}

function dataAnswer(ctx: StreamsContext, state: StreamState, from: number, result: ReadResult, request: Request, cursor: string | null): Response {
  const upToDate = result.closed || result.next >= state.tail;
  const closedHere = result.closed || (state.closed && upToDate);
  const etag = `"${state.meta.topic}:${from}:${result.next}${closedHere ? ":c" : ""}"`;
  const headers: Record<string, string> = { etag, "cache-control": ctx.readCacheControl, [H.nextOffset]: formatOffset(result.next) };
  if (upToDate) headers[H.upToDate] = "true";
  else ctx.readAhead.start(state, result.next);
  if (closedHere) headers[H.closed] = "true";
  if (cursor !== null) headers[H.cursor] = cursor;
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  headers["content-type"] = state.meta.contentType;
  return new Response(answerBody(state.meta.contentType, result.values, result.bytes), { status: 200, headers });
}
