import { BATCH_HEADER_SIZE } from "../record/batch-layout.ts";
import { batchSize, readBatchHeader, type BatchHeader } from "../record/batch-header.ts";
import type { FileChannel } from "./file-channel.ts";

/** One batch found by {@link scanHeaders}. */
export interface ScannedBatch {
  /** Byte position of the batch in the file. */
  position: number;
  /** Its total size (12 + batchLength), as its header claims. */
  size: number;
  header: BatchHeader;
}

/** Bytes read at a time while hopping from header to header. */
const HOP_BLOCK_BYTES = 8 * 1024;

/**
 * Hops from batch header to batch header in `channel` starting at byte `from`, reading small
 * blocks so the payloads of large batches are skipped, not read. Stops at the end of the file,
 * at a header that does not fit in the file (a torn tail), or at a claimed size that cannot be a
 * batch. Checks no CRC: callers that hand bytes out validate them.
 *
 * @param channel the segment's log file
 * @param from the position of a batch
 * @param end stop at this byte position (default: the file size)
 */
export function* scanHeaders(channel: FileChannel, from: number, end = channel.size): Generator<ScannedBatch> {
  let block: Uint8Array = new Uint8Array(0);
  let blockStart = from;
  let position = from;
  while (end - position >= BATCH_HEADER_SIZE) {
    if (position + BATCH_HEADER_SIZE > blockStart + block.length) {
      block = channel.read(position, Math.min(HOP_BLOCK_BYTES, end - position));
      blockStart = position;
    }
    const at = position - blockStart;
    const size = batchSize(block, at);
    if (size < BATCH_HEADER_SIZE || position + size > end) return;
    let header: BatchHeader;
    try {
      header = readBatchHeader(block, at);
    } catch {
      return;
    }
    yield { position, size, header };
    position += size;
  }
}

/** The position where {@link scanHeaders} stopped: the end of the last whole batch seen. */
export function endOfBatches(channel: FileChannel, from: number): number {
  let end = from;
  for (const b of scanHeaders(channel, from)) end = b.position + b.size;
  return end;
}
