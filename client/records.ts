/**
 * Records between the client's shapes and the API's JSON: bytes go as `key_b64` / `value_b64`
 * (standard base64), strings and JSON values as they are.
 */
import type { ConsumedRecord, ProduceRecord, RecordHeaders } from "./types.ts";

/** A record as the API's JSON carries it. */
export interface WireRecord {
  offset: number;
  timestamp: number;
  key?: string | null;
  key_b64?: string;
  value?: unknown;
  value_b64?: string;
  headers?: RecordHeaders;
  topic?: string;
  partition?: number;
}

/** Standard base64 of `bytes`. */
export function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** The bytes of standard base64 `text`. */
export function fromBase64(text: string): Uint8Array {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** A record to produce, as the API's JSON. */
export function encodeRecord(record: ProduceRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const { key, value } = record;
  if (key instanceof Uint8Array) out.key_b64 = toBase64(key);
  else if (key !== undefined) out.key = key;
  if (value instanceof Uint8Array) out.value_b64 = toBase64(value);
  else out.value = value === undefined ? null : value;
  if (record.headers !== undefined) out.headers = record.headers;
  if (record.partition !== undefined) out.partition = record.partition;
  if (record.timestamp !== undefined) out.timestamp = record.timestamp;
  return out;
}

/** A record read back, in the client's shape. */
export function decodeRecord(wire: WireRecord, topic: string, partition: number): ConsumedRecord {
  const record: ConsumedRecord = {
    topic: wire.topic ?? topic,
    partition: wire.partition ?? partition,
    offset: wire.offset,
    timestamp: wire.timestamp,
    key: wire.key ?? null,
    value: wire.value ?? null,
    headers: wire.headers ?? {},
  };
  if (wire.key_b64 !== undefined) record.keyBytes = fromBase64(wire.key_b64);
  if (wire.value_b64 !== undefined) record.valueBytes = fromBase64(wire.value_b64);
  return record;
}
