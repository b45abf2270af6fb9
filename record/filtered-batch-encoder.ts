/**
 * Re-encodes one stored batch with some of its records left out, the way Kafka's log cleaner
 * does: the batch keeps its header (base offset, lastOffsetDelta, producer id, epoch, base
 * sequence, attributes, partition leader epoch), each kept record keeps its offset delta (so the
 * batch may have gaps), and the CRC is recomputed. Keeping the header keeps `nextOffset` and each
 * producer's sequence range intact, which the producer state rebuilt from the log relies on.
 * Separate from {@link encodeRecordBatch} so the append path's encoder stays as it is.
 */
import { RivuletError } from "../core/errors.ts";
import { Attributes, BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, BatchOffset, Compression, CRC_START, MAGIC_V2 } from "./batch-layout.ts";
import { viewOf, type BatchHeader } from "./batch-header.ts";
import { compress } from "./compression.ts";
import { crc32c } from "./crc32c.ts";
import { writeInt64 } from "./int64.ts";
import type { DecodedRecord } from "./record-batch-decoder.ts";
import { recordBodySize, writeRecord } from "./record-batch-encoder.ts";
import { sizeOfVarint } from "./varint.ts";

/**
 * Encodes the records of `header`'s batch that survive a filter.
 *
 * Timestamps follow Kafka: under CreateTime the base timestamp is the first kept record's and the
 * max timestamp the largest kept one; under LogAppendTime the batch keeps its max timestamp (every
 * record reads as it). A batch left with no records is written as a bare header (no compression
 * bits) whose base and max timestamps are the original max timestamp.
 *
 * @param header the original batch's header (as {@link readBatchHeader} returns it)
 * @param kept the surviving records in offset order, each with its original offset inside
 *   `[baseOffset, baseOffset + lastOffsetDelta]`, as {@link decodeRecords} gave them
 * @returns the new batch bytes, starting at its baseOffset field
 * @throws {RivuletError} `invalid_record` when the batch uses a codec other than none or gzip
 */
export function encodeFilteredBatch(header: BatchHeader, kept: readonly DecodedRecord[]): Uint8Array {
  const codec = header.attributes & Attributes.compressionMask;
  if (codec !== Compression.none && codec !== Compression.gzip) throw new RivuletError("invalid_record", `cannot rewrite a batch compressed with codec ${codec}`);
  const logAppendTime = (header.attributes & Attributes.timestampTypeLogAppend) !== 0;
  const count = kept.length;
  let baseTimestamp = header.maxTimestamp;
  let maxTimestamp = header.maxTimestamp;
  if (count > 0 && !logAppendTime) {
    baseTimestamp = kept[0].timestamp;
    maxTimestamp = baseTimestamp;
    for (const r of kept) if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
  }
  let recordsSize = 0;
  let previous = -1;
  for (const r of kept) {
    const delta = r.offset - header.baseOffset;
    if (!Number.isSafeInteger(r.timestamp)) throw new RivuletError("invalid_record", `encodeFilteredBatch: timestamp ${r.timestamp}`);
    if (!(delta > previous && delta <= header.lastOffsetDelta)) throw new RivuletError("invalid_record", `encodeFilteredBatch: offset ${r.offset} outside the batch or out of order`);
    previous = delta;
    const bodySize = recordBodySize(r, r.timestamp - baseTimestamp, delta);
    recordsSize += sizeOfVarint(bodySize) + bodySize;
  }
  let out: Uint8Array;
  let attributes = header.attributes & ~Attributes.compressionMask;
  if (count > 0 && codec === Compression.gzip) {
    const plain = new Uint8Array(recordsSize);
    writeKept(plain, 0, kept, header.baseOffset, baseTimestamp);
    const packed = compress(plain, codec);
    out = new Uint8Array(BATCH_HEADER_SIZE + packed.length);
    out.set(packed, BATCH_HEADER_SIZE);
    attributes |= codec;
  } else {
    out = new Uint8Array(BATCH_HEADER_SIZE + recordsSize);
    writeKept(out, BATCH_HEADER_SIZE, kept, header.baseOffset, baseTimestamp);
  }
  const view = viewOf(out);
  writeInt64(view, BatchOffset.baseOffset, header.baseOffset);
  view.setInt32(BatchOffset.batchLength, out.length - BATCH_LOG_OVERHEAD);
  view.setInt32(BatchOffset.partitionLeaderEpoch, header.partitionLeaderEpoch);
  view.setInt8(BatchOffset.magic, MAGIC_V2);
  view.setInt16(BatchOffset.attributes, attributes);
  view.setInt32(BatchOffset.lastOffsetDelta, header.lastOffsetDelta);
  writeInt64(view, BatchOffset.baseTimestamp, baseTimestamp);
  writeInt64(view, BatchOffset.maxTimestamp, maxTimestamp);
  writeInt64(view, BatchOffset.producerId, header.producerId);
  view.setInt16(BatchOffset.producerEpoch, header.producerEpoch);
  view.setInt32(BatchOffset.baseSequence, header.baseSequence);
  view.setInt32(BatchOffset.recordCount, count);
  view.setUint32(BatchOffset.crc, crc32c(out, CRC_START, out.length));
  return out;
}

/** Writes the kept records from `position`, each with its original offset delta. */
function writeKept(out: Uint8Array, position: number, kept: readonly DecodedRecord[], baseOffset: number, baseTimestamp: number): void {
  let p = position;
  for (const record of kept) p = writeRecord(out, p, record, record.timestamp - baseTimestamp, record.offset - baseOffset);
}
