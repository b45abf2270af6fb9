/**
 * Walks concatenated RecordBatch v2 batches (a segment slice, a Produce or Fetch payload).
 */
import { BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD } from "./batch-layout.ts";
import { corruptBatch } from "./batch-error.ts";
import { batchSize, readBatchHeader, type BatchHeader } from "./batch-header.ts";

/**
 * Yields the position and header of each whole batch in `bytes`, in order. A trailing partial
 * batch (as Kafka's Fetch may return) ends the walk without being yielded. CRCs are not checked:
 * use {@link validateBatch} for bytes of unknown integrity.
 *
 * @param bytes concatenated batches
 * @returns a generator of `{ position, header }`
 * @throws {RivuletError} `corrupt_record` when a batchLength is below 49 (the walk cannot go on)
 *   or a header int64 is outside the safe-integer range
 *
 * @example
 * ```ts
 * for (const { position, header } of iterateBatches(payload)) console.log(position, header.recordCount);
 * ```
 */
export function* iterateBatches(bytes: Uint8Array): Generator<{ position: number; header: BatchHeader }> {
  let position = 0;
  while (bytes.length - position >= BATCH_HEADER_SIZE) {
    const size = batchSize(bytes, position);
    if (size < BATCH_HEADER_SIZE) throw corruptBatch(`batchLength ${size - BATCH_LOG_OVERHEAD} is below ${BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD}`, position);
    if (position + size > bytes.length) return;
    yield { position, header: readBatchHeader(bytes, position) };
    position += size;
  }
}
