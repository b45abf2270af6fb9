/**
 * The SSE loop of one client: long-polls the broker from an offset and turns records into
 * events, coalescing each fetch into one write.
 *
 * Backpressure: the stream is pull-based. The broker is asked for more only when the client
 * has drained what was queued (the runtime adapters read the stream only as the socket drains),
 * so the bytes queued for one client never exceed `sseBufferedBytesMax`: writes are pieces of
 * at most `sseWriteBytesMax`, and the queue's high-water mark leaves room for one piece. A
 * client that has taken nothing from a non-empty queue for `sseStalledMsMax` (stuck, or a body
 * nobody reads) is cut off, freeing its stream slot.
 * Closing the client's connection aborts the pending fetch.
 */
import type { BrokerApi, ConsumedRecord, Isolation } from "../../broker/types.ts";
import { isRivuletError } from "../../core/errors.ts";
import type { Limits } from "../../core/limits.ts";
import type { HttpMetrics } from "../metrics/http-metrics.ts";
import { toProblem } from "../problem.ts";
import { keepAliveEvent, problemEvent, recordEventBytes } from "./sse-events.ts";

/** What {@link recordEventStream} needs. */
export interface RecordEventStreamOptions {
  broker: BrokerApi;
  topic: string;
  partition: number;
  /** First offset to fetch. */
  offset: number;
  /** Records already fetched (ending just before `offset`), sent first. */
  first?: ConsumedRecord[];
  /** Which records to stream (default read_uncommitted). */
  isolation?: Isolation;
  limits: Pick<Limits, "sseBufferedBytesMax" | "sseWriteBytesMax" | "sseKeepAliveMs" | "sseStalledMsMax" | "fetchRecordsMax" | "fetchWaitMsMax">;
  metrics: HttpMetrics;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
  /** Called exactly once, when the stream ends for any reason. */
  onClose: () => void;
}

const encoder = new TextEncoder();
const retryDelayMs = 100;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** Bytes of one write to an SSE client, and of stored batches read per fetch. */
export function ssePieceBytes(limits: Pick<Limits, "sseWriteBytesMax" | "sseBufferedBytesMax">): number {
  return Math.max(1, Math.min(limits.sseWriteBytesMax, Math.floor(limits.sseBufferedBytesMax / 2)));
}

/**
 * Opens the event stream of one SSE client.
 *
 * @param o broker, position, limits, metrics, the client's signal and a close callback
 * @returns the body of the `text/event-stream` response
 */
export function recordEventStream(o: RecordEventStreamOptions): ReadableStream<Uint8Array> {
  const { broker, topic, partition, limits, metrics } = o;
  const pieceBytes = ssePieceBytes(limits);
  const highWaterMark = Math.max(1, limits.sseBufferedBytesMax - pieceBytes);
  const waitMs = Math.min(limits.sseKeepAliveMs, limits.fetchWaitMsMax);
  const abort = new AbortController();
  const pending: Uint8Array[] = [];
  let next = o.offset;
  let first = o.first && o.first.length > 0 ? o.first : null;
  let closed = false;
  let enqueuedBytes = 0;
  let drained = { bytes: 0, atMs: Date.now() };
  let stallTimer: ReturnType<typeof setInterval> | undefined;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | null = null;

  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(stallTimer);
    abort.abort();
    o.signal.removeEventListener("abort", onClientGone);
    o.onClose();
  };
  const onClientGone = () => {
    finish();
    try {
      controllerRef?.close();
    } catch {
      // already closed or errored
    }
  };

  const enqueue = (controller: ReadableStreamDefaultController<Uint8Array>, chunk: Uint8Array) => {
    controller.enqueue(chunk);
    enqueuedBytes += chunk.byteLength;
    metrics.sseBytes += chunk.byteLength;
    const queued = highWaterMark - (controller.desiredSize ?? 0);
    if (queued > metrics.sseQueuedBytesPeak) metrics.sseQueuedBytesPeak = queued;
  };

  const deliver = (controller: ReadableStreamDefaultController<Uint8Array>, bytes: Uint8Array) => {
    for (let at = pieceBytes; at < bytes.byteLength; at += pieceBytes) pending.push(bytes.subarray(at, at + pieceBytes));
    enqueue(controller, bytes.byteLength > pieceBytes ? bytes.subarray(0, pieceBytes) : bytes);
  };

  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown) => {
    enqueue(controller, encoder.encode(problemEvent(toProblem(error))));
    finish();
    controller.close();
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
      if (o.signal.aborted) return onClientGone();
      o.signal.addEventListener("abort", onClientGone, { once: true });
      const checkEveryMs = Math.max(10, Math.min(1_000, Math.floor(limits.sseStalledMsMax / 4)));
      stallTimer = setInterval(() => {
        const queued = highWaterMark - (controller.desiredSize ?? highWaterMark);
        const now = Date.now();
        if (queued <= 0 || enqueuedBytes - queued > drained.bytes) drained = { bytes: enqueuedBytes - queued, atMs: now };
        else if (now - drained.atMs > limits.sseStalledMsMax) {
          metrics.sseCutOff++;
          finish();
          controller.error(new Error("SSE client cut off: it stopped reading"));
        }
      }, checkEveryMs);
      enqueue(controller, encoder.encode(keepAliveEvent));
    },
    async pull(controller) {
      const piece = pending.shift();
      if (piece) return enqueue(controller, piece);
      if (first) {
        const bytes = recordEventBytes(first);
        metrics.sseEvents += first.length;
        metrics.fetched(topic, first.length, bytes.byteLength);
        first = null;
        return deliver(controller, bytes);
      }
      while (!closed) {
        try {
          const result = await broker.fetch(topic, partition, { offset: next, maxRecords: limits.fetchRecordsMax, maxBytes: pieceBytes, waitMs, signal: abort.signal, isolation: o.isolation });
          if (closed) return;
          if (result.records.length === 0) {
            // only markers or aborted records: step past them, so the next fetch waits for new data
            next = Math.max(next, result.nextOffset);
            return enqueue(controller, encoder.encode(keepAliveEvent));
          }
          const bytes = recordEventBytes(result.records);
          next = result.nextOffset;
          metrics.sseEvents += result.records.length;
          metrics.fetched(topic, result.records.length, bytes.byteLength);
          return deliver(controller, bytes);
        } catch (error) {
          if (closed) return;
          if (!isRivuletError(error) || !error.retriable) return fail(controller, error);
          await sleep(retryDelayMs, abort.signal);
        }
      }
    },
    cancel() {
      finish();
    },
  }, { highWaterMark, size: (chunk) => chunk.byteLength });
}
