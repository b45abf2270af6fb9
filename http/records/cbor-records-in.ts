/**
 * Parses the CBOR produce request: the same map as JSON (`{"records":[...]}`), where `key` and
 * `value` are byte strings (text strings are taken as UTF-8, null as null) and `headers` is a
 * map of name → bytes/text or an array of `[name, value]` pairs.
 */
import type { ProducerRecord } from "../../broker/types.ts";
import {
  assembleRecord,
  invalidRecord,
  isPlainObject,
  type HeaderPair,
  type RecordLimits,
  recordsArray,
} from "./record-checks.ts";

function bytesField(raw: unknown, field: string, index: number): Uint8Array | string | null {
  if (raw === undefined || raw === null) return null;
  if (raw instanceof Uint8Array || typeof raw === "string") return raw;
  throw invalidRecord(index, `${field} must be a byte string, a text string or null`);
}

function cborHeaders(raw: unknown, index: number): HeaderPair[] {
  const pairs: HeaderPair[] = [];
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      if (!Array.isArray(entry) || entry.length !== 2) throw invalidRecord(index, "header pairs must be [name, value] arrays");
      if (typeof entry[0] !== "string") throw invalidRecord(index, "header names must be strings");
      pairs.push([entry[0], bytesField(entry[1], "a header value", index)]);
    }
  } else if (isPlainObject(raw)) {
    const names = Object.keys(raw);
    for (const name of names) {
      pairs.push([name, bytesField(raw[name], "a header value", index)]);
    }
  } else {
    throw invalidRecord(index, "headers must be a map or an array of [name, value] pairs");
  }
  return pairs;
}

function cborRecord(raw: unknown, index: number): ProducerRecord {
  if (!isPlainObject(raw)) throw invalidRecord(index, "a record must be a map");
  const key = bytesField(raw.key, "key", index);
  const value = bytesField(raw.value, "value", index);
  return assembleRecord(raw, key, value, index, cborHeaders);
}

/**
 * Parses and validates a whole CBOR produce request.
 *
 * @param body the decoded CBOR body
 * @param limits records per request (per-record limits are checked by the producer)
 * @returns the records, in request order
 * @throws {RivuletError} `invalid_request`, `invalid_record`, `too_many_records`
 */
export function parseCborRecords(body: unknown, limits: RecordLimits): ProducerRecord[] {
  const raw = recordsArray(body, limits);
  const records = new Array<ProducerRecord>(raw.length);
  for (let i = 0; i < raw.length; i++) records[i] = cborRecord(raw[i], i);
  return records;
}
