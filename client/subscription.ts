/**
 * Subscribing to a partition over Server-Sent Events, as an async iterator of records. A
 * dropped connection is reopened with `Last-Event-ID` set to the last offset received, so no
 * record is skipped or repeated; a `problem` event the server sends before ending a stream is
 * thrown when it is not retriable.
 */
import { RivuletHttpError } from "./errors.ts";
import { decodeRecord, type WireRecord } from "./records.ts";
import { parseSse } from "./sse.ts";
import { delay, type Transport } from "./transport.ts";
import type { ConsumedRecord } from "./types.ts";

/** Options of a subscription. */
export interface SubscribeOptions {
  /** Where to start: an offset, `earliest` (default) or `latest`. */
  offset?: number | "earliest" | "latest";
  /** Ends the subscription (the iterator then finishes without an error). */
  signal?: AbortSignal;
  /** Longest wait between reconnection attempts, in ms (default 5000). */
  reconnectDelayMaxMs?: number;
}

const reconnectDelayMinMs = 50;

/**
 * The records of one partition, from `options.offset`, for as long as the caller iterates.
 *
 * @throws {RivuletHttpError} a failure that reconnecting cannot cure (unknown topic, forbidden…)
 */
export async function* subscribe(transport: Transport, topic: string, partition: number, options: SubscribeOptions = {}): AsyncGenerator<ConsumedRecord> {
  const path = `/v1/topics/${encodeURIComponent(topic)}/partitions/${partition}/stream`;
  const signal = options.signal;
  const maxDelay = options.reconnectDelayMaxMs ?? 5_000;
  let last: number | null = null;
  let wait = reconnectDelayMinMs;
  while (!signal?.aborted) {
    try {
      const headers: Record<string, string> = { accept: "text/event-stream" };
      if (last !== null) headers["last-event-id"] = String(last);
      const response = await transport.send(path, { headers, query: last === null ? { offset: options.offset ?? "earliest" } : {}, signal });
      for await (const event of parseSse(response.body!)) {
        if (event.event === "problem") throw problemOf(event.data);
        if (event.event !== "message") continue;
        const record = decodeRecord(JSON.parse(event.data) as WireRecord, topic, partition);
        last = record.offset;
        wait = reconnectDelayMinMs;
        yield record;
      }
    } catch (error) {
      if (signal?.aborted) return;
      // A connection cut mid-stream surfaces as a plain error from the body's reader: reconnect.
      if (error instanceof RivuletHttpError ? !error.retriable : error instanceof SyntaxError) throw error;
    }
    await delay(wait, signal);
    wait = Math.min(wait * 2, maxDelay);
  }
}

function problemOf(data: string): RivuletHttpError {
  let p: Record<string, unknown> = {};
  try {
    p = JSON.parse(data) as Record<string, unknown>;
  } catch {
    // An unreadable problem is still a problem.
  }
  const status = typeof p.status === "number" ? p.status : 500;
  return new RivuletHttpError(status, typeof p.code === "string" ? p.code : "internal", typeof p.detail === "string" ? p.detail : "the stream failed", {
    retriable: p.retriable === true,
    details: p.details !== null && typeof p.details === "object" ? p.details as Record<string, unknown> : undefined,
  });
}
