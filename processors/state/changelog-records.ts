/**
 * Reads the records of a stored changelog batch for a restore, giving each key and value as a
 * range of the batch bytes: a restore of 1,000,000 records then makes no key arrays, no value
 * views and no record objects; the store hashes the key bytes where they lie and makes a key
 * string only for a key it lacks (ordered-store.ts). (record/'s decoder gives keys as views,
 * which the store would turn into strings again: a third of a replay's time went to that.)
 *
 * The walk checks what it reads as record/record-batch-decoder.ts does (lengths inside the
 * record and the batch), so a malformed batch raises `corrupt_record`, never a wrong store.
 */
import type { Buffer } from "node:buffer";
import { RivuletError } from "../../core/errors.ts";
import { defaultLimits } from "../../core/limits.ts";
import { Attributes, BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD } from "../../record/batch-layout.ts";
import type { BatchHeader } from "../../record/batch-header.ts";
import { decompress } from "../../record/compression.ts";
import { VarintReader } from "../../record/varint.ts";
import { bufferOf } from "./latin1.ts";


/** Smallest encoded record: length, attributes, timestamp, offset, key, value, header count. */
const RECORD_BYTES_MIN = 7;

/**
 * Receives one changelog record: its offset, key as `data[keyStart, keyEnd)` (`keyStart` -1:
 * null, no key) and value as `data[valueStart, valueEnd)` (`valueStart` -1: null, a
 * tombstone). `data` (the batch's records, inflated if it was compressed) is only valid during the call.
 */
export type ChangelogVisitor = (offset: number, data: Buffer, keyStart: number, keyEnd: number, valueStart: number, valueEnd: number) => void;

/**
 * Calls `visit` for each record of the batch at `position` whose offset is ≥ `fromOffset`.
 *
 * @param bytes stored batches (as a fetch returns them)
 * @param position where the batch starts
 * @param header the batch's header (from iterateBatches)
 * @throws {RivuletError} `corrupt_record` when the batch is malformed
 */
export function forEachChangelogRecord(bytes: Uint8Array, position: number, header: BatchHeader, fromOffset: number, visit: ChangelogVisitor): void {
  if (header.baseOffset + header.lastOffsetDelta < fromOffset) return;
  const end = position + BATCH_LOG_OVERHEAD + header.batchLength;
  if (header.batchLength < BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD || end > bytes.length || header.recordCount < 0) throw malformed(`batch at ${position}: length ${header.batchLength}, ${header.recordCount} records`);
  const data = decompress(bytes.subarray(position + BATCH_HEADER_SIZE, end), header.attributes & Attributes.compressionMask, defaultLimits.batchInflatedBytesMax);
  if (header.recordCount > data.length / RECORD_BYTES_MIN) throw malformed(`batch at offset ${header.baseOffset}: ${header.recordCount} records cannot fit in ${data.length} bytes`);
  const text = bufferOf(data);
  const reader = new VarintReader(data, 0);
  for (let i = 0; i < header.recordCount; i++) {
    const length = reader.readVarint();
    const recordEnd = reader.position + length;
    if (length < RECORD_BYTES_MIN - 1 || recordEnd > data.length) throw malformed(`record ${i} of the batch at offset ${header.baseOffset} has length ${length}, past the batch end`);
    reader.position++; // attributes
    reader.readVarlong(); // timestamp delta
    const offset = header.baseOffset + reader.readVarint();
    const keyLength = reader.readVarint();
    const keyStart = reader.position;
    if (keyLength < -1 || keyStart + keyLength > recordEnd) throw malformed(`record at offset ${offset}: a key of ${keyLength} bytes overruns it`);
    reader.position = keyStart + Math.max(0, keyLength);
    const valueLength = reader.readVarint();
    const valueStart = reader.position;
    if (valueLength < -1 || valueStart + valueLength > recordEnd) throw malformed(`record at offset ${offset}: a value of ${valueLength} bytes overruns it`);
    reader.position = valueStart + Math.max(0, valueLength);
    const headerCount = reader.readVarint();
    if (headerCount < 0 || headerCount > recordEnd - reader.position) throw malformed(`record at offset ${offset} has ${headerCount} headers`);
    for (let h = 0; h < headerCount; h++) {
      for (let field = 0; field < 2; field++) {
        const fieldLength = reader.readVarint();
        if (fieldLength < -1 || reader.position + fieldLength > recordEnd) throw malformed(`record at offset ${offset}: header ${h} overruns it`);
        reader.position += Math.max(0, fieldLength);
      }
    }
    if (reader.position !== recordEnd) throw malformed(`record at offset ${offset} does not end where its length says`);
    if (offset < fromOffset) continue;
    visit(offset, text, keyLength < 0 ? -1 : keyStart, keyStart + Math.max(0, keyLength), valueLength < 0 ? -1 : valueStart, valueStart + Math.max(0, valueLength));
  }
  if (reader.position !== data.length) throw malformed(`batch at offset ${header.baseOffset} has ${data.length - reader.position} bytes after its last record`);
}

function malformed(reason: string): RivuletError {
  return new RivuletError("corrupt_record", `changelog ${reason}`);
}
