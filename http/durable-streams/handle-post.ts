/**
 * POST: append, close (`Stream-Closed: true`, with or without a final append), with optional
 * Stream-Seq and idempotent-producer headers. Everything is checked before the append, in the
 * protocol's order (producer duplicates before Stream-Seq); the append is one record through the
 * partition actor, and the stream's state changes only once the log has acknowledged it. A
 * refused request writes nothing.
 */
import { canonicalContentType, isJsonMode, sameContentType } from "./content-type.ts";
import { parseClosed, parseProducer, parseToken, type ProducerHeaders } from "./header-values.ts";
import { jsonRecordValue } from "./json-body.ts";
import { formatOffset } from "./offsets.ts";
import type { StreamsContext } from "./options.ts";
import { batchProducer, checkProducer, type ProducerVerdict } from "./producer-check.ts";
import { producerHeaders, refuseProducer, verdictFromLog } from "./producer-answers.ts";
import { H } from "./protocol-headers.ts";
import { ProtocolError } from "./protocol-error.ts";
import { readLimited } from "./read-limited.ts";
import { encodeStreamRecord } from "./stream-records.ts";
import { closedHeaders } from "./stream-responses.ts";
import type { StreamState } from "./stream-state.ts";

/** A parsed POST. */
interface Append {
  value: Uint8Array | null;
  close: boolean;
  streamSeq: string | null;
  producer: ProducerHeaders | null;
}

/**
 * Handles a POST.
 *
 * @returns 204 (appended or closed), 200 (appended by a producer), or a refusal
 */
export async function handlePost(ctx: StreamsContext, path: string, request: Request): Promise<Response> {
  const headers = request.headers;
  const close = parseClosed(headers.get(H.closed));
  const producer = parseProducer(headers, ctx.limits.dsHeaderBytesMax);
  const streamSeq = parseToken(headers.get(H.seq), H.seq, ctx.limits.dsHeaderBytesMax);
  const body = await readLimited(request, ctx.appendBytesMax);
  if (body.length === 0 && !close) throw new ProtocolError(400, "empty_append", "an append needs a body");
  const rawType = headers.get("content-type");
  return ctx.registry.locks.run(path, async () => {
    const state = await ctx.registry.access(path, { touch: true, locked: true });
    const append: Append = { value: body.length > 0 ? recordValue(state, rawType, body) : null, close, streamSeq, producer };
    if (state.closed) return answerClosed(state, append);
    const verdict = producer ? checkProducer(state.producers.get(producer.id), producer.epoch, producer.seq) : null;
    if (producer && verdict) {
      if (verdict.kind === "duplicate") return duplicate(state, producer, verdict.lastSeq);
      refuseProducer(verdict, producer);
    }
    if (streamSeq !== null && state.streamSeq !== null && streamSeq <= state.streamSeq) {
      throw new ProtocolError(409, "stream_seq", `Stream-Seq ${JSON.stringify(streamSeq.slice(0, 80))} is not above the last one`);
    }
    return appendRecord(ctx, state, append);
  });
}

function recordValue(state: StreamState, rawType: string | null, body: Uint8Array): Uint8Array {
  if (rawType === null || rawType.trim() === "") throw new ProtocolError(400, "no_content_type", "an append needs a Content-Type");
  const contentType = canonicalContentType(rawType);
  if (contentType === null) throw new ProtocolError(400, "bad_content_type", "Content-Type is not a media type");
  if (!sameContentType(contentType, state.meta.contentType)) throw new ProtocolError(409, "content_type_mismatch", `the stream's content type is ${state.meta.contentType}`);
  return isJsonMode(state.meta.contentType) ? jsonRecordValue(body, false)! : body;
}

function answerClosed(state: StreamState, append: Append): Response {
  const p = append.producer;
  const by = state.closedBy;
  if (p && by && by[0] === p.id && by[1] === p.epoch && by[2] === p.seq) {
    return new Response(null, { status: 204, headers: { ...closedHeaders(state), ...producerHeaders(p.epoch, p.seq) } });
  }
  if (!p && append.close && append.value === null) return new Response(null, { status: 204, headers: closedHeaders(state) });
  throw new ProtocolError(409, "stream_closed", "the stream is closed", closedHeaders(state));
}

function duplicate(state: StreamState, producer: ProducerHeaders, lastSeq: number): Response {
  const headers: Record<string, string> = { [H.nextOffset]: formatOffset(state.tail), ...producerHeaders(producer.epoch, lastSeq) };
  if (state.closed) headers[H.closed] = "true";
  return new Response(null, { status: 204, headers });
}

async function appendRecord(ctx: StreamsContext, state: StreamState, append: Append): Promise<Response> {
  const p = append.producer;
  let batchFields: { id: number; epoch: number; sequence: number } | null = null;
  const fields = p ? batchProducer(state.mappings.get(p.id), p.epoch, p.seq) : null;
  if (p && fields) {
    if (fields.remap) {
      if (!ctx.broker.allocateProducerId) throw new ProtocolError(501, "no_producer_ids", "this broker cannot allocate producer ids");
      state.mappings.set(p.id, { ...fields.mapping, id: await ctx.broker.allocateProducerId() });
      await ctx.registry.save(state);
    }
    batchFields = { id: state.mappings.get(p.id)!.id, epoch: fields.producerEpoch, sequence: fields.baseSequence };
  }
  const batch = encodeStreamRecord({ value: append.value, streamSeq: append.streamSeq, close: append.close, producer: batchFields, timestamp: ctx.clock.now() });
  let result;
  try {
    result = await ctx.broker.appendBatch(state.meta.topic, 0, batch);
  } catch (error) {
    const verdict: ProducerVerdict | null = p ? verdictFromLog(error, state.mappings.get(p.id)!) : null;
    if (!p || !verdict) throw error;
    if (verdict.kind === "duplicate") return duplicate(state, p, verdict.lastSeq);
    refuseProducer(verdict, p);
    throw error;
  }
  const end = state.meta.base + result.lastOffset + 1;
  if (p && end < state.tail) return duplicate(state, p, Math.max(p.seq, state.producers.get(p.id)?.lastSeq ?? p.seq));
  state.tail = end;
  state.dirty = true;
  if (append.streamSeq !== null) state.streamSeq = append.streamSeq;
  if (p) state.producers.set(p.id, { epoch: p.epoch, lastSeq: p.seq });
  if (append.close) {
    state.closed = true;
    state.closedBy = p ? [p.id, p.epoch, p.seq] : null;
  }
  const headers: Record<string, string> = { [H.nextOffset]: formatOffset(state.tail) };
  if (state.closed) headers[H.closed] = "true";
  if (p) Object.assign(headers, producerHeaders(p.epoch, p.seq));
  return new Response(null, { status: p && append.value !== null ? 200 : 204, headers });
}
