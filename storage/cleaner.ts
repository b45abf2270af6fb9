import { renameSync, rmSync } from "node:fs";
import type { TopicConfig } from "../core/topic-config.ts";
import { FileChannel } from "./file-channel.ts";
import { fsyncDir } from "./atomic-file.ts";
import { scanHeaders } from "./batch-scanner.ts";
import { Attributes } from "../record/batch-layout.ts";
import { offsetPath, Suffix } from "./file-names.ts";
import { LogSegment } from "./log-segment.ts";
import type { LogSegments } from "./log-segments.ts";
import { decodeRecords, encodeFilteredBatch, readBatchHeader, validateBatch, type BatchHeader, type DecodedRecord } from "../record/record-batch.ts";
import { rebuildIndexes } from "./segment-recovery.ts";
import { AbortedTxnFilter, type AbortedTransaction } from "../record/aborted-filter.ts";
import type { StorageHooks } from "./storage-hooks.ts";

/** What compaction needs besides the segments. */
export interface CleanOptions {
  config: TopicConfig;
  now: number;
  /** The bound no cleaned segment may reach: the log passes its last stable offset, so no undecided transaction is cleaned. */
  highWatermark: number;
  logEndOffset: number;
  hooks: StorageHooks;
  /** The aborted transactions from the log start up to `highWatermark` (from the `.txnindex` files). */
  aborted?: readonly AbortedTransaction[];
}

/**
 * Compaction (`cleanup.policy` includes `compact`): in the older segments (never the active one,
 * none newer than `min.compaction.lag.ms`, none past the high watermark), keeps only the latest
 * record of each key; a tombstone (null value) goes too once older than `delete.retention.ms`.
 * Surviving records keep their offsets, so readers see gaps. A batch that keeps every record is
 * copied as it is; a thinned batch is rewritten with the same header (base offset,
 * lastOffsetDelta, producer id, epoch, base sequence, attributes, leader epoch) and its surviving
 * records at their original offset deltas, as Kafka's cleaner does, so the producer state rebuilt
 * from the log keeps every idempotent producer's last sequence. A batch left with no records is
 * kept as a bare header when it carries a producer id (it may hold that producer's last
 * sequence), and dropped otherwise. Control batches (transaction markers) are copied untouched.
 *
 * Transactions: nothing at or past the last stable offset is cleaned (the caller passes it as
 * the bound), so an ongoing transaction's records stay until its marker. Records of aborted
 * transactions are dropped (their batches kept as bare headers, which carry the producer's
 * sequence) and never count as a key's latest value, so a read_committed reader never loses a
 * committed value to an aborted one. Committed transactional records compact like any other.
 *
 * Each cleaned segment is written to `<base>.log.cleaned`, renamed to `.log.swap` (the commit
 * point: recovery finishes a swap and deletes a `.cleaned`), then renamed over the `.log`; its
 * indexes are rebuilt. The key map holds every key of the cleanable segments in memory.
 *
 * @returns how many records were removed
 */
export function compactLog(dir: string, segments: LogSegments, options: CleanOptions): { removedRecords: number } {
  const cleanable = cleanableSegments(segments, options);
  if (cleanable.length === 0) return { removedRecords: 0 };
  const latest = new Map<string, number>();
  const abortedInMap = new AbortedTxnFilter(options.aborted ?? []);
  for (const segment of cleanable) {
    forEachBatch(segment, (bytes, header, records) => {
      if (abortedInMap.skips(bytes, 0, header)) return;
      for (const r of records) if (r.key) latest.set(keyOf(r.key), r.offset);
    });
  }
  const abortedInCopy = new AbortedTxnFilter(options.aborted ?? []);
  const tombstoneBefore = options.now - options.config["delete.retention.ms"];
  let removedRecords = 0;
  for (const segment of cleanable) {
    const parts: Uint8Array[] = [];
    let removedHere = 0;
    forEachBatch(segment, (bytes, header, records) => {
      const aborted = abortedInCopy.skips(bytes, 0, header);
      if (isControl(header)) return void parts.push(bytes);
      const keep = aborted ? [] : records.filter((r) => !r.key || (latest.get(keyOf(r.key)) === r.offset && !(r.value === null && r.timestamp < tombstoneBefore)));
      removedHere += records.length - keep.length;
      if (keep.length === records.length) parts.push(bytes);
      else if (keep.length > 0 || header.producerId >= 0) parts.push(encodeFilteredBatch(header, keep));
    });
    if (removedHere === 0) continue;
    removedRecords += removedHere;
    segments.replace(swapIn(dir, segment, parts, options));
  }
  return { removedRecords };
}

function cleanableSegments(segments: LogSegments, options: CleanOptions): LogSegment[] {
  const lagBefore = options.now - options.config["min.compaction.lag.ms"];
  const out: LogSegment[] = [];
  for (let i = 0; i < segments.count - 1; i++) {
    const segment = segments.at(i)!;
    const end = segments.endOffsetOf(i, options.logEndOffset);
    if (end > options.highWatermark || segment.maxTimestamp > lagBefore) break;
    segment.checkIndexes(options.config["index.interval.bytes"], end);
    out.push(segment);
  }
  return out;
}

function forEachBatch(segment: LogSegment, visit: (bytes: Uint8Array, header: BatchHeader, records: DecodedRecord[]) => void): void {
  for (const b of scanHeaders(segment.log, 0)) {
    const bytes = segment.log.read(b.position, b.size);
    validateBatch(bytes, 0, { maxBytes: bytes.length, file: segment.log.path });
    visit(bytes, readBatchHeader(bytes), decodeRecords(bytes));
  }
}

function swapIn(dir: string, old: LogSegment, parts: Uint8Array[], options: CleanOptions): LogSegment {
  const base = old.baseOffset;
  const logPath = offsetPath(dir, base, Suffix.log);
  const cleanedPath = logPath + Suffix.cleaned;
  const swapPath = logPath + Suffix.swap;
  rmSync(cleanedPath, { force: true });
  const out = FileChannel.open(cleanedPath, options.hooks);
  try {
    for (const part of parts) out.append(part);
    out.sync();
  } finally {
    out.close();
  }
  renameSync(cleanedPath, swapPath);
  fsyncDir(dir);
  old.close();
  rmSync(offsetPath(dir, base, Suffix.index), { force: true });
  rmSync(offsetPath(dir, base, Suffix.timeIndex), { force: true });
  renameSync(swapPath, logPath);
  fsyncDir(dir);
  const cleaned = LogSegment.open(dir, base, options.hooks);
  rebuildIndexes(cleaned, options.config["index.interval.bytes"]);
  cleaned.sync();
  cleaned.checkIndexes(options.config["index.interval.bytes"], Number.MAX_SAFE_INTEGER);
  return cleaned;
}

/** Control batches (transaction markers) are not keyed data: the cleaner copies them as they are. */
function isControl(header: BatchHeader): boolean {
  return (header.attributes & Attributes.control) !== 0;
}

/** A map key for the key bytes (latin1 maps each byte to one char, losslessly). */
function keyOf(key: Uint8Array): string {
  let s = "";
  for (let i = 0; i < key.length; i += 4096) s += String.fromCharCode(...key.subarray(i, i + 4096));
  return s;
}
