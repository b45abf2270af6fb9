/**
 * Turns what callers send ({@link ProducerRecord}: strings or bytes, headers as an object or
 * pairs) into the codec's {@link BatchRecord}, checking every limit first so that a rejected
 * request writes nothing.
 */
import { RivuletError } from "../core/errors.ts";
import type { Limits } from "../core/limits.ts";
import type { BatchRecord } from "../record/record-batch.ts";
import type { ProducerRecord, RecordHeader } from "./types.ts";

const encoder = new TextEncoder();
/** Shared by every record without headers; never written to. */
const noHeaders: RecordHeader[] = Object.freeze([]) as unknown as RecordHeader[];

/** Bytes from a string (UTF-8) or bytes as they are; null stays null. */
export function toBytes(value: Uint8Array | string | null | undefined): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return encoder.encode(value);
  throw new RivuletError("invalid_record", "keys, values and header values must be strings, Uint8Arrays or null");
}

/** A rough upper bound of a record's encoded size, for limit checks. */
export function recordSizeEstimate(record: BatchRecord): number {
  let size = 21 + (record.key?.byteLength ?? 0) + (record.value?.byteLength ?? 0);
  for (const [name, value] of record.headers) size += 10 + name.length * 3 + (value?.byteLength ?? 0);
  return size;
}

/**
 * Normalises and validates one record.
 *
 * @param record what the caller sent
 * @param now the timestamp to use when the record has none
 * @param limits `recordHeadersMax`, `headerNameBytesMax`
 * @param maxBytes the topic's `message.max.bytes`
 * @throws {RivuletError} `invalid_record`, `too_many_headers`, `record_too_large`
 */
export function toBatchRecord(record: ProducerRecord, now: number, limits: Limits, maxBytes: number): BatchRecord {
  if (record === null || typeof record !== "object") throw new RivuletError("invalid_record", "a record must be an object");
  const headers = record.headers === undefined || record.headers === null ? noHeaders : toHeaders(record.headers, limits);
  let timestamp = now;
  if (record.timestamp !== undefined) {
    timestamp = record.timestamp;
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RivuletError("invalid_record", `invalid timestamp ${record.timestamp}`);
  }
  const out: BatchRecord = { key: toBytes(record.key), value: toBytes(record.value), headers, timestamp };
  const size = recordSizeEstimate(out);
  if (size > maxBytes) throw new RivuletError("record_too_large", `record of ~${size} bytes exceeds message.max.bytes ${maxBytes}`, { size, limit: maxBytes });
  return out;
}

function toHeaders(headers: ProducerRecord["headers"], limits: Limits): RecordHeader[] {
  if (headers === undefined || headers === null) return [];
  const pairs: Array<[string, Uint8Array | string | null]> = Array.isArray(headers) ? headers : Object.entries(headers);
  if (pairs.length > limits.recordHeadersMax) {
    throw new RivuletError("too_many_headers", `a record may carry at most ${limits.recordHeadersMax} headers, got ${pairs.length}`, { limit: limits.recordHeadersMax });
  }
  return pairs.map((pair) => {
    if (!Array.isArray(pair) || typeof pair[0] !== "string") throw new RivuletError("invalid_record", "headers must be name → value");
    const [name, value] = pair;
    if (name.length === 0 || encoder.encode(name).byteLength > limits.headerNameBytesMax) {
      throw new RivuletError("invalid_record", `header names must be 1 to ${limits.headerNameBytesMax} bytes`);
    }
    return [name, toBytes(value)] as RecordHeader;
  });
}
