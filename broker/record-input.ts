/**
 * The one validation pass over what callers send ({@link ProducerRecord}: strings or bytes,
 * headers as an object or pairs): each record is checked against every limit and written into
 * its partition's {@link RecordBlockBuilder} in the same pass. This is the one place that names
 * a bad record: every error says `records[i]` and carries `index` in its details. A producer
 * checks the whole call before queueing anything, so a rejected call writes nothing.
 */
import { RivuletError, type ErrorCode } from "../core/errors.ts";
import type { Limits } from "../core/limits.ts";
import type { RecordBlockBuilder } from "../record/record-block.ts";
import { writeUtf8 } from "../record/utf8.ts";
import type { ProducerRecord } from "./types.ts";

/** Bytes a record takes in a batch in front of its tail, at most (length, attributes, deltas). */
export const RECORD_PREFIX_BYTES_MAX = 21;

/** An error about record `index` of a call. */
export function recordError(code: ErrorCode, index: number, message: string, details: Record<string, unknown> = {}): RivuletError {
  return new RivuletError(code, `records[${index}]: ${message}`, { index, ...details });
}

/** The per-record limits {@link writeRecord} checks. */
export type RecordLimits = Pick<Limits, "recordHeadersMax" | "headerNameBytesMax">;

let scratch = new Uint8Array(1024);

/**
 * The key of a record as bytes, for the partitioner. A string key is encoded into a scratch
 * buffer that the next call reuses: copy it (the builder does) before calling again.
 *
 * @throws {RivuletError} `invalid_record`
 */
export function keyBytes(key: ProducerRecord["key"], index: number): Uint8Array | null {
  if (key === undefined || key === null) return null;
  if (key instanceof Uint8Array) return key;
  if (typeof key !== "string") throw recordError("invalid_record", index, "keys must be strings, Uint8Arrays or null");
  if (key.length * 3 > scratch.length) scratch = new Uint8Array(key.length * 3);
  return scratch.subarray(0, writeUtf8(scratch, 0, key));
}

/** The record's timestamp, or `now`. @throws {RivuletError} `invalid_record` */
export function recordTimestamp(record: ProducerRecord, now: number, index: number): number {
  const timestamp = record.timestamp;
  if (timestamp === undefined || timestamp === null) return now;
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw recordError("invalid_record", index, `invalid timestamp ${timestamp}`);
  return timestamp;
}

/**
 * Checks a record's value and headers and writes the record (key already chosen) into `builder`.
 *
 * @param key the bytes from {@link keyBytes}
 * @param maxBytes the topic's `message.max.bytes`
 * @returns the record's size bound in a batch, in bytes
 * @throws {RivuletError} `invalid_record`, `too_many_headers`, `record_too_large`
 */
export function writeRecord(builder: RecordBlockBuilder, record: ProducerRecord, key: Uint8Array | null, timestamp: number, index: number, limits: RecordLimits, maxBytes: number): number {
  const value = record.value;
  if (value !== null && value !== undefined && typeof value !== "string" && !(value instanceof Uint8Array)) {
    throw recordError("invalid_record", index, "values must be strings, Uint8Arrays or null");
  }
  builder.beginRecord(timestamp);
  builder.writeKey(key);
  builder.writeValue(value ?? null);
  const headers = record.headers;
  if (headers !== undefined && headers !== null) writeHeaders(builder, headers, index, limits);
  else builder.writeHeaderCount(0);
  // The record's size in a batch, at most: its tail plus the largest prefix.
  const size = RECORD_PREFIX_BYTES_MAX + builder.currentBytes();
  if (size > maxBytes) throw recordError("record_too_large", index, `record of ~${size} bytes exceeds message.max.bytes ${maxBytes}`, { size, limit: maxBytes });
  builder.endRecord();
  return size;
}

function writeHeaders(builder: RecordBlockBuilder, headers: NonNullable<ProducerRecord["headers"]>, index: number, limits: RecordLimits): void {
  if (typeof headers !== "object") throw recordError("invalid_record", index, "headers must be name → value");
  const pairs = Array.isArray(headers);
  const names = pairs ? null : Object.keys(headers);
  const count = pairs ? headers.length : names!.length;
  if (count > limits.recordHeadersMax) {
    throw recordError("too_many_headers", index, `a record may carry at most ${limits.recordHeadersMax} headers, got ${count}`, { limit: limits.recordHeadersMax });
  }
  builder.writeHeaderCount(count);
  for (let h = 0; h < count; h++) {
    let name: unknown;
    let value: unknown;
    if (pairs) {
      const pair = (headers as unknown[])[h];
      if (!Array.isArray(pair) || pair.length !== 2) throw recordError("invalid_record", index, "header pairs must be [name, value] arrays");
      [name, value] = pair;
    } else {
      name = names![h];
      value = (headers as Record<string, unknown>)[name as string];
    }
    if (typeof name !== "string") throw recordError("invalid_record", index, "header names must be strings");
    if (value !== null && typeof value !== "string" && !(value instanceof Uint8Array)) {
      throw recordError("invalid_record", index, "header values must be strings, Uint8Arrays or null");
    }
    const nameBytes = builder.writeHeader(name, value);
    if (nameBytes === 0 || nameBytes > limits.headerNameBytesMax) {
      throw recordError("invalid_record", index, `header names must be 1 to ${limits.headerNameBytesMax} bytes`, { limit: limits.headerNameBytesMax });
    }
  }
}
