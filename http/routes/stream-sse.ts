/**
 * Server-Sent Events: `GET /v1/topics/{topic}/partitions/{p}/stream?offset=&isolation=`. One
 * event per record (`id` = offset, `data` = the record's JSON); a reconnecting client resumes
 * after its `Last-Event-ID`. `isolation=read_committed` streams only committed transactions'
 * records, each once its transaction is decided; transaction markers are never events. Open streams are capped by `sseStreamsMax` (429 past it).
 */
import { RivuletError } from "../../core/errors.ts";
import { type HttpContext, requestSignal } from "../context.ts";
import { partitionParam, topicParam } from "../openapi/schemas.ts";
import { isolationParam, type OffsetParam, parseIsolation, parseOffset, parsePartition, parseTopic } from "../params.ts";
import type { Router } from "../router.ts";
import { recordEventStream, ssePieceBytes } from "../sse/record-event-stream.ts";

const sseHeaders = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" };

function startOffset(query: string | undefined, lastEventId: string | undefined): OffsetParam {
  if (lastEventId !== undefined && lastEventId.trim() !== "") {
    const last = parseOffset(lastEventId.trim(), "earliest");
    if (typeof last !== "number") throw new RivuletError("invalid_offset", "Last-Event-ID must be an offset");
    return last + 1;
  }
  return parseOffset(query, "earliest");
}

/** Declares the SSE route. */
export function sseRoutes(router: Router, ctx: HttpContext): void {
  const { broker, options: { limits } } = ctx;
  router.route({
    method: "get", path: "/v1/topics/:topic/partitions/:p/stream", operationId: "stream", tag: "records",
    summary: "Stream records as Server-Sent Events (id = offset; resumes after Last-Event-ID)",
    access: { access: "read", topic: "path" },
    params: [
      topicParam, partitionParam,
      { name: "offset", in: "query", description: "First offset (number, earliest or latest; default earliest)", schema: { type: "string" } },
      { name: "Last-Event-ID", in: "header", description: "Resume after this offset (wins over offset)", schema: { type: "string" } },
      isolationParam,
    ],
    responses: { 200: { description: "An endless event stream", mediaType: "text/event-stream", schema: { type: "string" } }, 416: { description: "Offset out of range" } },
  }, async (c) => {
    const topic = parseTopic(c.req.param("topic"));
    const partition = parsePartition(c.req.param("p"));
    const wanted = startOffset(c.req.query("offset"), c.req.header("last-event-id"));
    const isolation = parseIsolation(c.req.query("isolation"));
    if (ctx.sse.open >= limits.sseStreamsMax) {
      throw new RivuletError("too_many_streams", `${limits.sseStreamsMax} event streams are open; try again later`, { limit: limits.sseStreamsMax });
    }
    // One worker round trip checks the partition and the offset (earliest / latest resolved
    // there) and reads the first records, which become the stream's first events.
    const first = await broker.fetch(topic, partition, { offset: wanted, maxRecords: limits.fetchRecordsMax, maxBytes: ssePieceBytes(limits), waitMs: 0, isolation });
    if (c.req.method === "HEAD") return new Response(null, { headers: sseHeaders });
    if (ctx.sse.open >= limits.sseStreamsMax) {
      throw new RivuletError("too_many_streams", `${limits.sseStreamsMax} event streams are open; try again later`, { limit: limits.sseStreamsMax });
    }
    ctx.sse.open++;
    ctx.metrics.sseOpened++;
    const body = recordEventStream({
      broker, topic, partition, offset: first.nextOffset, first: first.records, isolation, limits, metrics: ctx.metrics, signal: requestSignal(c, ctx),
      onClose: () => ctx.sse.open--,
    });
    return new Response(body, { headers: sseHeaders });
  });
}
