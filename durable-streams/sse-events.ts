/**
 * SSE framing (PROTOCOL.md §5.7): `event: data` events carrying a read's bytes — UTF-8 text for
 * `text/*` and JSON streams (one JSON array per event), standard base64 otherwise — each followed
 * by an `event: control` event with the next offset, the cursor and `upToDate` / `streamClosed`.
 * Every line of a payload gets its own `data:` field, so a payload's CR, LF or CRLF can never end
 * an event early or inject one.
 */
import { Buffer } from "node:buffer";

const utf8 = new TextDecoder();
const LINE_BREAK = /\r\n|\r|\n/;

/** The fields of a control event. */
export interface ControlFields {
  streamNextOffset: string;
  /** Omitted once the stream is closed. */
  streamCursor?: string;
  upToDate?: true;
  streamClosed?: true;
}

/**
 * A data event for a read's body.
 *
 * @param body the bytes to send (JSON mode: a JSON array)
 * @param encoding text or base64
 * @returns the event text
 */
export function dataEvent(body: Uint8Array, encoding: "text" | "base64"): string {
  const payload = encoding === "base64" ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("base64") : utf8.decode(body);
  let event = "event: data\n";
  for (const line of payload.split(LINE_BREAK)) event += line.startsWith(" ") ? `data: ${line}\n` : `data:${line}\n`;
  return `${event}\n`;
}

/** A control event. */
export function controlEvent(fields: ControlFields): string {
  return `event: control\ndata:${JSON.stringify(fields)}\n\n`;
}

/** A comment that keeps an idle connection open. */
export const KEEP_ALIVE = ":\n\n";
