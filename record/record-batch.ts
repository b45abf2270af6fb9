/**
 * The Kafka RecordBatch v2 (magic 2) codec: Rivulet's one record format on disk and on the wire.
 *
 * - {@link encodeRecordBatch}: records → batch bytes (optionally gzip).
 * - {@link encodeFilteredBatch}: a stored batch minus some records, header kept (compaction).
 * - {@link validateBatch}: checks a batch (CRC-32C, lengths, framing) without allocating per record.
 * - {@link decodeRecords}: batch bytes → records, zero-copy keys and values.
 * - {@link readBatchHeader}, {@link batchSize}, {@link iterateBatches}: header-level reads.
 * - {@link setBaseOffset}, {@link setPartitionLeaderEpoch}, {@link stampLogAppendTime}: in-place
 *   patches made by the log on append.
 *
 * All functions are pure over their byte arguments and safe to call from any worker; the in-place
 * patches mutate the bytes they are given.
 *
 * @example
 * ```ts
 * const batch = encodeRecordBatch([{ key: null, value: new TextEncoder().encode("hi"), headers: [], timestamp: 0 }]);
 * validateBatch(batch, 0, { maxBytes: 1 << 20 });
 * setBaseOffset(batch, 0, 42);
 * decodeRecords(batch)[0].offset; // 42
 * ```
 */
export { encodeRecordBatch, type BatchRecord, type EncodeBatchOptions } from "./record-batch-encoder.ts";
export * from "./record-batch-decoder.ts";
export * from "./batch-validator.ts";
export * from "./iterate-batches.ts";
export { batchSize, readBatchHeader, setBaseOffset, setPartitionLeaderEpoch, stampLogAppendTime, type BatchHeader } from "./batch-header.ts";
export { encodeFilteredBatch } from "./filtered-batch-encoder.ts";
