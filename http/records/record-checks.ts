/**
 * Checks shared by the JSON and CBOR produce-request parsers: the request's shape and each
 * field's type. Per-record limits are checked once, by the producer (`broker/record-input.ts`),
 * against the limits the route passes to `broker.produce`.
 */
import { RivuletError } from "../../core/errors.ts";
import type { Limits } from "../../core/limits.ts";
import type { ProducerRecord } from "../../broker/types.ts";

/** The limit the parsers check themselves (per-record limits are the producer's). */
export type RecordLimits = Pick<Limits, "httpRecordsPerRequestMax">;

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

/** A header as the record parsers produce it. */
export type HeaderPair = [string, Uint8Array | string | null];

/**
 * Builds a record from its parsed key and value plus the fields JSON and CBOR share (headers,
 * partition, timestamp). Limits (header count and names, record size, the topic's partitions)
 * are left to the producer's one validation pass, which names the record the same way.
 *
 * @param raw the record as sent
 * @param parseHeaders the encoding's header parser, called when `headers` is present
 * @throws {RivuletError} `invalid_record`
 */
export function assembleRecord(
  raw: Record<string, unknown>,
  key: Uint8Array | string | null,
  value: Uint8Array | string | null,
  index: number,
  parseHeaders: (raw: unknown, index: number) => HeaderPair[],
): ProducerRecord {
  const record: ProducerRecord = { key, value };
  if (raw.headers !== undefined && raw.headers !== null) record.headers = parseHeaders(raw.headers, index);
  const partition = recordPartition(raw.partition, index);
  if (partition !== undefined) record.partition = partition;
  const timestamp = recordTimestamp(raw.timestamp, index);
  if (timestamp !== undefined) record.timestamp = timestamp;
  return record;
}
