/**
 * A record as the console's JSON carries it: key, value and header values always as base64 of
 * the stored bytes (null stays null), so the page can show them exactly as JSON, text or hex.
 * The page decodes them and puts them in the DOM as text, never as markup.
 */
import { Buffer } from "node:buffer";
import type { ConsumedRecord } from "../broker/types.ts";

/** The JSON shape of one record. */
export interface RecordView {
  partition: number;
  offset: number;
  timestamp: number;
  key_b64: string | null;
  value_b64: string | null;
  /** `[name, base64 value or null]` pairs in stored order (names may repeat). */
  headers: Array<[string, string | null]>;
}

function base64(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * Renders a record for the console's JSON.
 *
 * @example
 * ```ts
 * recordView(record).value_b64; // "aGVsbG8=" for the value "hello"
 * ```
 */
export function recordView(record: ConsumedRecord): RecordView {
  return {
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key_b64: base64(record.key),
    value_b64: base64(record.value),
    headers: record.headers.map(([name, value]) => [name, base64(value)]),
  };
}
