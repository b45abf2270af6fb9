/**
 * One page of the message browser: records of one partition from an offset, from a timestamp,
 * or the newest N, kept when they match a filter. A page is bounded three ways (records
 * returned, records read, bytes read: `consolePage*` / `consoleScan*` limits), so a filter that
 * matches nothing in a large partition answers with what it read and where to go on
 * (`next_offset`), never by reading the whole partition.
 */
import type { BrokerApi, ConsumedRecord } from "../broker/types.ts";
import type { Limits } from "../core/limits.ts";
import type { RecordFilter } from "./record-filter.ts";

/** Where a page starts. */
export type ScanStart = { offset: number } | { timestamp: number } | { newest: number };

/** What one page asks for. */
export interface ScanRequest {
  topic: string;
  partition: number;
  start: ScanStart;
  /** Most records returned (at most `consolePageRecordsMax`). */
  count: number;
  filter: RecordFilter;
}

/** One page. */
export interface ScanPage {
  records: ConsumedRecord[];
  /** The offset the scan started at (after resolving a timestamp or clamping to the log). */
  startOffset: number;
  /** Where the next page starts. */
  nextOffset: number;
  /** Records read (matching or not). */
  scanned: number;
  /** True when the scan reached the end it aimed for (the high watermark, or the newest N). */
  reachedEnd: boolean;
  logStartOffset: number;
  highWatermark: number;
}

function recordBytes(record: ConsumedRecord): number {
  let bytes = 16 + (record.key?.byteLength ?? 0) + (record.value?.byteLength ?? 0);
  for (const [name, value] of record.headers) bytes += name.length + (value?.byteLength ?? 0);
  return bytes;
}

async function resolveStart(broker: BrokerApi, request: ScanRequest, logStart: number, end: number): Promise<{ from: number; until: number }> {
  const { start } = request;
  if ("newest" in start) return { from: Math.max(logStart, end - start.newest), until: end };
  const at = "offset" in start ? start.offset : await broker.listOffset(request.topic, request.partition, { timestamp: start.timestamp });
  return { from: Math.min(Math.max(at, logStart), end), until: end };
}

/**
 * Reads one page.
 *
 * @param broker the broker
 * @param request partition, start, page size and filter
 * @param limits `consoleScanRecordsMax`, `consoleScanBytesMax`, `fetchRecordsMax`
 * @returns the matching records and where the next page starts
 * @throws {RivuletError} `unknown_topic`, `unknown_partition`, and what a fetch may throw
 */
export async function scanRecords(broker: BrokerApi, request: ScanRequest, limits: Limits): Promise<ScanPage> {
  const { topic, partition } = request;
  const [logStart, end] = await Promise.all([
    broker.listOffset(topic, partition, "earliest"),
    broker.listOffset(topic, partition, "latest"),
  ]);
  const { from, until } = await resolveStart(broker, request, logStart, end);
  const records: ConsumedRecord[] = [];
  let position = from;
  let scanned = 0;
  let bytes = 0;
  let highWatermark = end;
  let logStartOffset = logStart;
  while (position < until && records.length < request.count && scanned < limits.consoleScanRecordsMax && bytes < limits.consoleScanBytesMax) {
    const maxRecords = Math.min(limits.consoleScanRecordsMax - scanned, until - position, limits.fetchRecordsMax);
    const result = await broker.fetch(topic, partition, { offset: position, maxRecords, maxBytes: limits.consoleScanBytesMax - bytes, waitMs: 0 });
    highWatermark = result.highWatermark;
    logStartOffset = result.logStartOffset;
    if (result.records.length === 0) {
      // Nothing readable here (a compacted gap ends the read): go on from where the log says.
      if (result.nextOffset <= position) break;
      position = Math.min(result.nextOffset, until);
      continue;
    }
    let whole = true;
    for (const record of result.records) {
      if (record.offset < position) continue;
      if (record.offset >= until) break;
      scanned++;
      bytes += recordBytes(record);
      position = record.offset + 1;
      if (request.filter.matches(record)) records.push(record);
      if (records.length >= request.count || scanned >= limits.consoleScanRecordsMax || bytes >= limits.consoleScanBytesMax) {
        whole = record === result.records[result.records.length - 1];
        break;
      }
    }
    // Offsets past the batch's last record but before nextOffset hold nothing readable.
    if (whole && result.nextOffset > position) position = Math.min(result.nextOffset, until);
  }
  return { records, startOffset: from, nextOffset: position, scanned, reachedEnd: position >= until, logStartOffset, highWatermark };
}
