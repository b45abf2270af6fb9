/**
 * POST: append, close (`Stream-Closed: true`, with or without a final append), with optional
 * Stream-Seq and idempotent-producer headers. Under the path's lock the request is checked
 * against the stream's accepted state, in the protocol's order (producer duplicates before
 * Stream-Seq), and issued to the partition actor as one record; the lock is released before the
 * log acknowledges it, so appends to one stream share coalesced fsyncs. A refused request
 * writes nothing.
 *
 * Documented choices the protocol leaves to servers: Stream-Seq is scoped per stream (any
 * writer's Stream-Seq must exceed the last one accepted on that stream) and is compared byte-wise.
 * Producer state is atomic with the data: the producer's identity, epoch and sequence travel in
 * the appended batch itself and the log checks and records them in the same write, so a crash
 * can neither keep data without its producer state nor the reverse.
 */
import type { AppendBatchResult } from "../broker/types.ts";
import { canonicalContentType, isJsonMode, sameContentType } from "./content-type.ts";
import { parseClosed, parseProducer, parseToken, type ProducerHeaders } from "./header-values.ts";
import { jsonRecordValue } from "./json-body.ts";
import { formatOffset } from "./offsets.ts";
import type { StreamsContext } from "./options.ts";
import { batchProducer, checkProducer } from "./producer-check.ts";
import { producerHeaders, refuseProducer, verdictFromLog } from "./producer-answers.ts";
import { H } from "./protocol-headers.ts";
import { ProtocolError } from "./protocol-error.ts";
import { readLimited } from "./read-limited.ts";
import { encodeStreamRecord } from "./stream-records.ts";
import type { StreamState } from "./stream-state.ts";

/** A parsed POST. */
interface Append {
  value: Uint8Array | null;
  close: boolean;
  streamSeq: string | null;
  producer: ProducerHeaders | null;
}

/** An append handed to the partition actor, and where it should land. */
interface Issued {
  state: StreamState;
  append: Append;
  pending: Promise<AppendBatchResult>;
  expected: number;
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
  const issued = await ctx.registry.locks.run(path, async () => {
    const state = await ctx.registry.access(path, { touch: true, locked: true });
    if (state.closing && !state.closed) await ctx.registry.settle(state);
    if (state.closing) return answerClosed(state, { value: body.length > 0 ? body : null, close, streamSeq, producer });
    const append: Append = { value: body.length > 0 ? recordValue(state, rawType, body) : null, close, streamSeq, producer };
    return issue(ctx, state, append);
  });
  return issued instanceof Response ? issued : acknowledge(issued);
}

function recordValue(state: StreamState, rawType: string | null, body: Uint8Array): Uint8Array {
  if (rawType === null || rawType.trim() === "") throw new ProtocolError(400, "no_content_type", "an append needs a Content-Type");
  const contentType = canonicalContentType(rawType);
  if (contentType === null) throw new ProtocolError(400, "bad_content_type", "Content-Type is not a media type");
  if (!sameContentType(contentType, state.meta.contentType)) throw new ProtocolError(409, "content_type_mismatch", `the stream's content type is ${state.meta.contentType}`);
  return isJsonMode(state.meta.contentType) ? jsonRecordValue(body, false)! : body;
}

async function issue(ctx: StreamsContext, state: StreamState, append: Append): Promise<Issued | Response> {
  const p = append.producer;
  if (p) {
    let verdict = checkProducer(state.producers.get(p.id), p.epoch, p.seq);
    if (verdict.kind === "duplicate") {
      await ctx.registry.settle(state);
      verdict = checkProducer(state.producers.get(p.id), p.epoch, p.seq);
    }
    if (verdict.kind === "duplicate") return duplicate(state, p, verdict.lastSeq);
    refuseProducer(verdict, p);
  }
  if (append.streamSeq !== null && state.streamSeq !== null && append.streamSeq <= state.streamSeq) {
    throw new ProtocolError(409, "stream_seq", `Stream-Seq ${JSON.stringify(append.streamSeq.slice(0, 80))} is not above the last one`);
  }
  let fields: { id: number; epoch: number; sequence: number } | null = null;
  if (p) {
    const batch = batchProducer(state.mappings.get(p.id), p.epoch, p.seq);
    if (batch.remap) {
      if (!ctx.broker.allocateProducerId) throw new ProtocolError(501, "no_producer_ids", "this broker cannot allocate producer ids");
      state.mappings.set(p.id, { ...batch.mapping, id: await ctx.broker.allocateProducerId() });
      await ctx.registry.save(state);
    }
    fields = { id: state.mappings.get(p.id)!.id, epoch: batch.producerEpoch, sequence: batch.baseSequence };
  }
  const record = encodeStreamRecord({ value: append.value, streamSeq: append.streamSeq, close: append.close, producer: fields, timestamp: ctx.clock.now() });
  const expected = state.next;
  const pending = ctx.broker.appendBatch(state.meta.topic, 0, record);
  state.track(pending);
  state.next++;
  if (append.streamSeq !== null) state.streamSeq = append.streamSeq;
  if (p) state.producers.set(p.id, { epoch: p.epoch, lastSeq: p.seq });
  if (append.close) {
    state.closing = true;
    state.closedBy = p ? [p.id, p.epoch, p.seq] : null;
  }
  return { state, append, pending, expected };
}

async function acknowledge({ state, append, pending, expected }: Issued): Promise<Response> {
  const p = append.producer;
  let result: AppendBatchResult;
  try {
    result = await pending;
  } catch (error) {
    const verdict = p ? verdictFromLog(error, state.mappings.get(p.id)!) : null;
    if (!p || !verdict) throw error;
    if (verdict.kind === "duplicate") return duplicate(state, p, verdict.lastSeq);
    refuseProducer(verdict, p);
    throw error;
  }
  if (state.meta.base + result.baseOffset !== expected) {
    // The log knew better: this was a retry of a batch it already holds.
    state.stale = true;
    return duplicate(state, p!, p!.seq);
  }
  const end = state.meta.base + result.lastOffset + 1;
  state.tail = Math.max(state.tail, end);
  state.dirty = true;
  if (append.close) state.closed = true;
  const headers: Record<string, string> = { [H.nextOffset]: formatOffset(end) };
  if (append.close) headers[H.closed] = "true";
  if (p) Object.assign(headers, producerHeaders(p.epoch, p.seq));
  return new Response(null, { status: p && append.value !== null ? 200 : 204, headers });
}

function answerClosed(state: StreamState, append: Append): Response {
  const p = append.producer;
  const by = state.closedBy;
  const headers: Record<string, string> = { [H.closed]: "true", [H.nextOffset]: formatOffset(state.next) };
  if (p && by && by[0] === p.id && by[1] === p.epoch && by[2] === p.seq) {
    return new Response(null, { status: 204, headers: { ...headers, ...producerHeaders(p.epoch, p.seq) } });
  }
  if (!p && append.close && append.value === null) return new Response(null, { status: 204, headers });
  throw new ProtocolError(409, "stream_closed", "the stream is closed", headers);
}

function duplicate(state: StreamState, producer: ProducerHeaders, lastSeq: number): Response {
  const headers: Record<string, string> = { [H.nextOffset]: formatOffset(state.tail), ...producerHeaders(producer.epoch, lastSeq) };
  if (state.closed) headers[H.closed] = "true";
  return new Response(null, { status: 204, headers });
}
