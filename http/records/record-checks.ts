/** Checks shared by the JSON and CBOR produce-request parsers. */
import { RivuletError } from "../../core/errors.ts";
import type { Limits } from "../../core/limits.ts";
import type { ProducerRecord } from "../../broker/types.ts";
import { utf8Length } from "./bytes.ts";

/** The limits a produce request is checked against. */
export type RecordLimits = Pick<Limits, "httpRecordsPerRequestMax" | "messageMaxBytes" | "recordHeadersMax" | "headerNameBytesMax">;

/** A record-level `invalid_record` error naming the record's index. */
export function invalidRecord(index: number, message: string): RivuletError {
  return new RivuletError("invalid_record", `records[${index}]: ${message}`, { index });
}

/** True for a plain (non-array, non-null) object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/**
 * The `records` array of a produce request, checked for shape and count.
 *
 * @throws {RivuletError} `invalid_request` (no array, empty), `too_many_records`
 */
export function recordsArray(body: unknown, limits: RecordLimits): unknown[] {
  if (!isPlainObject(body) || !Array.isArray(body.records)) {
    throw new RivuletError("invalid_request", `the body must be {"records":[...]}`);
  }
  const records = body.records;
  if (records.length === 0) throw new RivuletError("invalid_request", "records must not be empty");
  if (records.length > limits.httpRecordsPerRequestMax) {
    throw new RivuletError("too_many_records", `${records.length} records in one request; the limit is ${limits.httpRecordsPerRequestMax}`, {
      limit: limits.httpRecordsPerRequestMax,
    });
  }
  return records;
}

/** An explicit partition, or undefined. @throws {RivuletError} `invalid_record` */
export function recordPartition(raw: unknown, index: number): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "number" || !Number.isInteger(raw) || raw < 0 || raw > 0x7fffffff) {
    throw invalidRecord(index, "partition must be a non-negative integer");
  }
  return raw;
}

/** A CreateTime timestamp in ms, or undefined. @throws {RivuletError} `invalid_record` */
export function recordTimestamp(raw: unknown, index: number): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "number" || !Number.isSafeInteger(raw) || raw < 0) {
    throw invalidRecord(index, "timestamp must be a non-negative integer (ms since the epoch)");
  }
  return raw;
}

/** Checks a header count. @throws {RivuletError} `too_many_headers` */
export function checkHeaderCount(count: number, index: number, limits: RecordLimits): void {
  if (count > limits.recordHeadersMax) {
    throw new RivuletError("too_many_headers", `records[${index}] has ${count} headers; the limit is ${limits.recordHeadersMax}`, {
      index,
      limit: limits.recordHeadersMax,
    });
  }
}

/** Checks a header name. @throws {RivuletError} `invalid_record` */
export function checkHeaderName(name: unknown, index: number, limits: RecordLimits): asserts name is string {
  if (typeof name !== "string") throw invalidRecord(index, "header names must be strings");
  if (name.length > limits.headerNameBytesMax / 3 && utf8Length(name) > limits.headerNameBytesMax) {
    throw invalidRecord(index, `a header name is longer than ${limits.headerNameBytesMax} bytes`);
  }
}

function sizeOf(part: Uint8Array | string | null | undefined): number {
  if (part === null || part === undefined) return 0;
  return typeof part === "string" ? utf8Length(part) : part.byteLength;
}

/** Exact stored size of a record's key, value, header names and header values. */
export function recordBytes(record: ProducerRecord): number {
  let bytes = sizeOf(record.key) + sizeOf(record.value);
  const headers = record.headers;
  if (Array.isArray(headers)) for (const [name, value] of headers) bytes += utf8Length(name) + sizeOf(value);
  else if (headers) for (const name in headers) bytes += utf8Length(name) + sizeOf(headers[name]);
  return bytes;
}

/**
 * Refuses a record past `message.max.bytes`. The caller passes a cheap upper bound (bytes plus
 * 3 per UTF-16 unit of its strings); the exact size is computed only when the bound exceeds it.
 *
 * @throws {RivuletError} `record_too_large`
 */
export function checkRecordSize(record: ProducerRecord, upperBoundBytes: number, index: number, limitBytes: number): void {
  if (upperBoundBytes <= limitBytes) return;
  const exact = recordBytes(record);
  if (exact > limitBytes) {
    throw new RivuletError("record_too_large", `records[${index}] is ${exact} bytes; message.max.bytes is ${limitBytes}`, { index, limit: limitBytes, size: exact });
  }
}

/** A header as the record parsers produce it. */
export type HeaderPair = [string, Uint8Array | string | null];

/** A cheap upper bound of a part's UTF-8 size: 3 bytes per UTF-16 unit of a string. */
function sizeBound(part: Uint8Array | string | null): number {
  if (part === null) return 0;
  return typeof part === "string" ? part.length * 3 : part.byteLength;
}

/**
 * Builds a record from its parsed key and value plus the fields JSON and CBOR share (headers,
 * partition, timestamp), then checks its size.
 *
 * @param raw the record as sent
 * @param parseHeaders the encoding's header parser, called when `headers` is present
 * @throws {RivuletError} `invalid_record`, `too_many_headers`, `record_too_large`
 */
export function assembleRecord(
  raw: Record<string, unknown>,
  key: Uint8Array | string | null,
  value: Uint8Array | string | null,
  index: number,
  limits: RecordLimits,
  parseHeaders: (raw: unknown, index: number, limits: RecordLimits) => HeaderPair[],
): ProducerRecord {
  const record: ProducerRecord = { key, value };
  let bound = sizeBound(key) + sizeBound(value);
  if (raw.headers !== undefined && raw.headers !== null) {
    const headers = parseHeaders(raw.headers, index, limits);
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
