/**
 * Parses the JSON produce request `{"records":[{"key","value","headers","partition","timestamp"}]}`
 * into producer records, validating all of it before anything is produced.
 *
 * - `value`: any JSON value, stored as its UTF-8 JSON text; `null` or absent is a null value
 *   (a tombstone). `value_b64`: raw bytes in base64.
 * - `key`: a string (UTF-8) or null; `key_b64`: raw bytes in base64.
 * - `headers`: an object of name → string, or an array of `[name, value]` pairs (names may
 *   repeat; a value may be null). A value may also be `{"b64": "..."}` for raw bytes.
 */
import type { ProducerRecord } from "../../broker/types.ts";
import { fromBase64 } from "./bytes.ts";
import {
  assembleRecord,
  invalidRecord,
  isPlainObject,
  type HeaderPair,
  type RecordLimits,
  recordsArray,
} from "./record-checks.ts";

function base64Field(raw: unknown, field: string, index: number): Uint8Array {
  const bytes = typeof raw === "string" ? fromBase64(raw) : null;
  if (bytes === null) throw invalidRecord(index, `${field} must be standard base64 text`);
  return bytes;
}

function headerValue(raw: unknown, index: number): Uint8Array | string | null {
  if (raw === null || typeof raw === "string") return raw;
  if (isPlainObject(raw) && typeof raw.b64 === "string") return base64Field(raw.b64, "a header's b64", index);
  throw invalidRecord(index, `header values must be strings, null or {"b64": "..."}`);
}

function jsonHeaders(raw: unknown, index: number): HeaderPair[] {
  const pairs: HeaderPair[] = [];
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      if (!Array.isArray(entry) || entry.length !== 2) throw invalidRecord(index, "header pairs must be [name, value] arrays");
      if (typeof entry[0] !== "string") throw invalidRecord(index, "header names must be strings");
      pairs.push([entry[0], headerValue(entry[1], index)]);
    }
  } else if (isPlainObject(raw)) {
    const names = Object.keys(raw);
    for (const name of names) {
      pairs.push([name, headerValue(raw[name], index)]);
    }
  } else {
    throw invalidRecord(index, "headers must be an object of name → string or an array of [name, value] pairs");
  }
  return pairs;
}

function jsonRecord(raw: unknown, index: number): ProducerRecord {
  if (!isPlainObject(raw)) throw invalidRecord(index, "a record must be an object");
  let key: Uint8Array | string | null = null;
  if (raw.key_b64 !== undefined) {
    if (raw.key !== undefined) throw invalidRecord(index, "give key or key_b64, not both");
    key = base64Field(raw.key_b64, "key_b64", index);
  } else if (raw.key !== undefined && raw.key !== null) {
    if (typeof raw.key !== "string") throw invalidRecord(index, "key must be a string (use key_b64 for raw bytes)");
    key = raw.key;
  }
  let value: Uint8Array | string | null = null;
  if (raw.value_b64 !== undefined) {
    if (raw.value !== undefined) throw invalidRecord(index, "give value or value_b64, not both");
    value = base64Field(raw.value_b64, "value_b64", index);
  } else if (raw.value !== undefined && raw.value !== null) {
    value = JSON.stringify(raw.value);
  }
  return assembleRecord(raw, key, value, index, jsonHeaders);
}

/**
 * Parses and validates a whole JSON produce request.
 *
 * @param body the parsed JSON body
 * @param limits records per request (per-record limits are checked by the producer)
 * @returns the records, in request order
 * @throws {RivuletError} `invalid_request`, `invalid_record`, `too_many_records`
 * @example
 * ```ts
 * parseJsonRecords({ records: [{ key: "alice", value: { paid: 200 } }] }, defaultLimits);
 * // [{ key: "alice", value: '{"paid":200}' }]
 * ```
 */
export function parseJsonRecords(body: unknown, limits: RecordLimits): ProducerRecord[] {
  const raw = recordsArray(body, limits);
  const records = new Array<ProducerRecord>(raw.length);
  for (let i = 0; i < raw.length; i++) records[i] = jsonRecord(raw[i], i);
  return records;
}
