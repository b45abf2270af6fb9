/**
 * A Server-Sent Events parser over a `fetch` response body, as the HTML standard's event
 * stream interpretation describes it (lines end in LF, CRLF or CR; `data` lines are joined by
 * LF; comments start with `:`; an event is dispatched at a blank line; `id` is kept across
 * events). EventSource does not exist in Workers or Node 20, and cannot send headers.
 */

/** One event. */
export interface SseEvent {
  /** `message` unless the stream named another. */
  event: string;
  data: string;
  /** The last event id seen so far (empty when none). */
  id: string;
  /** A reconnection delay the server asked for, in ms. */
  retry?: number;
}

/**
 * The events of a stream, in order; ends when the stream does (an unfinished event is dropped,
 * as the standard says).
 *
 * @param body a `text/event-stream` body
 * @example
 * ```ts
 * const response = await fetch(url, { headers: { accept: "text/event-stream" } });
 * for await (const event of parseSse(response.body!)) console.log(event.id, event.data);
 * ```
 */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let first = true;
  let data: string[] = [];
  let event = "";
  let id = "";
  let retry: number | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      if (first && buffer.length > 0) {
        if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
        first = false;
      }
      let start = 0;
      for (;;) {
        const lf = buffer.indexOf("\n", start);
        const cr = buffer.indexOf("\r", start);
        let end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
        if (end < 0) break;
        // A CR at the very end may be the first half of a CRLF: wait for more, unless done.
        if (end === cr && end === buffer.length - 1 && !done) break;
        const line = buffer.slice(start, end);
        start = end + (end === cr && buffer.charCodeAt(end + 1) === 10 ? 2 : 1);
        if (line === "") {
          if (data.length > 0) yield { event: event || "message", data: data.join("\n"), id, ...(retry === undefined ? {} : { retry }) };
          data = [];
          event = "";
          retry = undefined;
          continue;
        }
        if (line.charCodeAt(0) === 58) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let val = colon < 0 ? "" : line.slice(colon + 1);
        if (val.charCodeAt(0) === 32) val = val.slice(1);
        if (field === "data") data.push(val);
        else if (field === "event") event = val;
        else if (field === "id" && !val.includes("\0")) id = val;
        else if (field === "retry" && /^\d+$/.test(val)) retry = Number(val);
      }
      buffer = buffer.slice(start);
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
