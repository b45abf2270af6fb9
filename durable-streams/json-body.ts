/**
 * JSON mode. An append's body must be one JSON text; a top-level array is flattened one level
 * into its elements, anything else is one message. The messages of one append are stored as one
 * record whose value is their JSON texts joined by commas (the array's inner text, kept byte for
 * byte), so a read answers `[` + the values of its records joined by `,` + `]` without parsing.
 */
import { ProtocolError } from "./protocol-error.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();
const OPEN = 0x5b;
const CLOSE = 0x5d;
const COMMA = 0x2c;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function invalid(why: string): ProtocolError {
  return new ProtocolError(400, "invalid_json", why);
}

/**
 * Checks a JSON-mode body and gives the record value to store.
 *
 * @param body the request body (not empty)
 * @param allowEmptyArray true for PUT, where `[]` creates an empty stream
 * @returns the record value (the messages' texts joined by commas), or null for an allowed `[]`
 * @throws {ProtocolError} 400 for invalid UTF-8 or JSON, or an empty array on append
 * @example
 * ```ts
 * new TextDecoder().decode(jsonRecordValue(new TextEncoder().encode('[{"a":1}, 2]'), false)!); // '{"a":1}, 2'
 * ```
 */
export function jsonRecordValue(body: Uint8Array, allowEmptyArray: boolean): Uint8Array | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(body));
  } catch {
    throw invalid("the body is not valid JSON");
  }
  let first = 0;
  let last = body.length - 1;
  while (isSpace(body[first])) first++;
  while (isSpace(body[last])) last--;
  if (!Array.isArray(parsed)) return body.subarray(first, last + 1);
  if (parsed.length === 0) {
    if (allowEmptyArray) return null;
    throw invalid("an append of an empty JSON array has no messages");
  }
  if (body[first] !== OPEN || body[last] !== CLOSE) throw invalid("the body is not valid JSON");
  return body.subarray(first + 1, last);
}

/**
 * The JSON array answering a read: `[` + values joined by `,` + `]`.
 *
 * @param values record values (each one or more comma-joined messages)
 * @returns the UTF-8 bytes of the array
 */
export function joinJsonValues(values: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let size = 2 + Math.max(0, values.length - 1);
  for (const value of values) size += value.length;
  const out = new Uint8Array(size);
  out[0] = OPEN;
  let at = 1;
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out[at++] = COMMA;
    out.set(values[i], at);
    at += values[i].length;
  }
  out[at] = CLOSE;
  return out;
}

/** The messages of one stored JSON record, parsed. */
export function jsonMessages(value: Uint8Array): unknown[] {
  return JSON.parse(`[${utf8.decode(value)}]`) as unknown[];
}

/** The record value holding the first `count` messages of `value` (for a sub-offset fork). */
export function firstJsonMessages(value: Uint8Array, count: number): Uint8Array {
  return encoder.encode(jsonMessages(value).slice(0, count).map((m) => JSON.stringify(m)).join(","));
}
