/**
 * `live=sse`: a Server-Sent Events response that catches up from an offset, then follows the
 * stream as appends are acknowledged, pulling one read per event pair so a slow client slows
 * the reads (backpressure) instead of filling memory. The first control event comes at once
 * (with `upToDate` when there is nothing to catch up); a closed stream ends with a control event
 * carrying `streamClosed`; the connection is ended after `dsSseConnectionMs` so clients reconnect.
 */
import { sseEncodingOf } from "./content-type.ts";
import { nextCursor } from "./cursor.ts";
import { formatOffset } from "./offsets.ts";
import type { StreamsContext } from "./options.ts";
import { H } from "./protocol-headers.ts";
import { ProtocolError } from "./protocol-error.ts";
import { answerBody } from "./answer-body.ts";
import { controlEvent, dataEvent, KEEP_ALIVE, type ControlFields } from "./sse-events.ts";
import { readStream } from "./stream-reader.ts";
import type { StreamState } from "./stream-state.ts";

const encoder = new TextEncoder();

/**
 * Opens an SSE stream of `state` from stream offset `from`.
 *
 * @throws {ProtocolError} 429 when `sseStreamsMax` streams are open
 */
export function sseResponse(ctx: StreamsContext, state: StreamState, from: number, clientCursor: string | null, signal: AbortSignal): Response {
  if (ctx.sse.open >= ctx.limits.sseStreamsMax) throw new ProtocolError(429, "too_many_streams", "too many SSE streams are open");
  ctx.sse.open++;
  const encoding = sseEncodingOf(state.meta.contentType);
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  const deadline = Date.now() + ctx.limits.dsSseConnectionMs;
  let offset = from;
  let first = true;
  let ended = false;
  const end = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (ended) return;
    ended = true;
    ctx.sse.open--;
    signal.removeEventListener("abort", onAbort);
    try {
      controller.close();
    } catch {
      // already cancelled by the client
    }
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const remaining = deadline - Date.now();
      if (ended || stop.signal.aborted || state.gone || remaining <= 0) return end(controller);
      const atTail = offset >= state.tail;
      const waitMs = atTail && !first && !state.closed ? Math.min(remaining, ctx.limits.sseKeepAliveMs) : 0;
      let text = "";
      try {
        const result = await readStream(ctx.broker, state, offset, { maxBytes: ctx.limits.dsReadBytesMax, waitMs, signal: stop.signal });
        if (result.values.length > 0) text += dataEvent(answerBody(state.meta.contentType, result.values, result.bytes), encoding);
        const moved = result.next > offset;
        offset = result.next;
        const upToDate = result.closed || offset >= state.tail;
        const closed = result.closed || (state.closed && upToDate);
        if (moved || first || closed) text += controlEvent(control(ctx, offset, clientCursor, upToDate, closed));
        else text += KEEP_ALIVE;
        first = false;
        if (!ended) controller.enqueue(encoder.encode(text));
        if (closed) end(controller);
      } catch {
        end(controller);
      }
    },
    cancel() {
      stop.abort();
      if (!ended) {
        ended = true;
        ctx.sse.open--;
        signal.removeEventListener("abort", onAbort);
      }
    },
  });
  const headers: Record<string, string> = { "content-type": "text/event-stream", "cache-control": "no-cache" };
  if (encoding === "base64") headers[H.sseEncoding] = "base64";
  return new Response(body, { status: 200, headers });
}

function control(ctx: StreamsContext, offset: number, clientCursor: string | null, upToDate: boolean, closed: boolean): ControlFields {
  const fields: ControlFields = { streamNextOffset: formatOffset(offset) };
  if (!closed) fields.streamCursor = nextCursor(ctx.clock.now(), clientCursor);
  if (upToDate) fields.upToDate = true;
  if (closed) fields.streamClosed = true;
  return fields;
}
