/**
 * Parses the CBOR produce request: the same map as JSON (`{"records":[...]}`), where `key` and
 * `value` are byte strings (text strings are taken as UTF-8, null as null) and `headers` is a
 * map of name → bytes/text or an array of `[name, value]` pairs.
 */
import type { ProducerRecord } from "../../broker/types.ts";
import {
  checkHeaderCount,
  checkHeaderName,
  checkRecordSize,
  invalidRecord,
  isPlainObject,
  type RecordLimits,
  recordPartition,
  recordsArray,
  recordTimestamp,
} from "./record-checks.ts";

type HeaderPair = [string, Uint8Array | string | null];

function bytesField(raw: unknown, field: string, index: number): Uint8Array | string | null {
  if (raw === undefined || raw === null) return null;
  if (raw instanceof Uint8Array || typeof raw === "string") return raw;
  throw invalidRecord(index, `${field} must be a byte string, a text string or null`);
}

function cborHeaders(raw: unknown, index: number, limits: RecordLimits): HeaderPair[] {
  const pairs: HeaderPair[] = [];
  if (Array.isArray(raw)) {
    checkHeaderCount(raw.length, index, limits);
    for (const entry of raw) {
      if (!Array.isArray(entry) || entry.length !== 2) throw invalidRecord(index, "header pairs must be [name, value] arrays");
      checkHeaderName(entry[0], index, limits);
      pairs.push([entry[0], bytesField(entry[1], "a header value", index)]);
    }
  } else if (isPlainObject(raw)) {
    const names = Object.keys(raw);
    checkHeaderCount(names.length, index, limits);
    for (const name of names) {
      checkHeaderName(name, index, limits);
      pairs.push([name, bytesField(raw[name], "a header value", index)]);
    }
  } else {
    throw invalidRecord(index, "headers must be a map or an array of [name, value] pairs");
  }
  return pairs;
}

function sizeBound(part: Uint8Array | string | null): number {
  if (part === null) return 0;
  return typeof part === "string" ? part.length * 3 : part.byteLength;
}

function cborRecord(raw: unknown, index: number, limits: RecordLimits): ProducerRecord {
  if (!isPlainObject(raw)) throw invalidRecord(index, "a record must be a map");
  const key = bytesField(raw.key, "key", index);
  const value = bytesField(raw.value, "value", index);
  const record: ProducerRecord = { key, value };
  let bound = sizeBound(key) + sizeBound(value);
  if (raw.headers !== undefined && raw.headers !== null) {
    const headers = cborHeaders(raw.headers, index, limits);
    for (const [name, headerValue] of headers) bound += name.length * 3 + sizeBound(headerValue);
    record.headers = headers;
  }
  const partition = recordPartition(raw.partition, index);
  if (partition !== undefined) record.partition = partition;
  const timestamp = recordTimestamp(raw.timestamp, index);
  if (timestamp !== undefined) record.timestamp = timestamp;
  checkRecordSize(record, bound, index, limits.messageMaxBytes);
  return record;
}

/**
 * Parses and validates a whole CBOR produce request.
 *
 * @param body the decoded CBOR body
 * @param limits records per request, record size, header count and header name size
 * @returns the records, in request order
 * @throws {RivuletError} `invalid_request`, `invalid_record`, `too_many_records`,
 *   `too_many_headers`, `record_too_large`
 */
export function parseCborRecords(body: unknown, limits: RecordLimits): ProducerRecord[] {
  const raw = recordsArray(body, limits);
  const records = new Array<ProducerRecord>(raw.length);
  for (let i = 0; i < raw.length; i++) records[i] = cborRecord(raw[i], i, limits);
  return records;
}
