/**
 * Byte layout of a Kafka RecordBatch v2 (magic 2) header, the one on-disk and on-wire record
 * format Rivulet uses end to end. All integers are big-endian.
 *
 * ```
 *  0 baseOffset           int64    (outside the CRC: the log re-stamps it)
 *  8 batchLength          int32    bytes after this field = total length - 12
 * 12 partitionLeaderEpoch int32
 * 16 magic                int8     = 2
 * 17 crc                  uint32   CRC-32C of bytes [21, end)
 * 21 attributes           int16    bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control
 * 23 lastOffsetDelta      int32
 * 27 baseTimestamp        int64
 * 35 maxTimestamp         int64
 * 43 producerId           int64
 * 51 producerEpoch        int16
 * 53 baseSequence         int32
 * 57 recordCount          int32
 * 61 records …
 * ```
 */
export const BatchOffset = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
  records: 61,
} as const;

/** Bytes before `batchLength` counts: baseOffset (8) + batchLength (4). */
export const BATCH_LOG_OVERHEAD = 12;
/** Size of the fixed header; the smallest possible batch. */
export const BATCH_HEADER_SIZE = 61;
/** The only magic value Rivulet reads or writes. */
export const MAGIC_V2 = 2;
/** First byte covered by the CRC. */
export const CRC_START = 21;

/** Attribute bits. */
export const Attributes = {
  compressionMask: 0x07,
  timestampTypeLogAppend: 0x08,
  transactional: 0x10,
  control: 0x20,
} as const;

/** Compression codecs in attribute bits 0-2. */
export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
/** Producer id of a batch written without idempotence. */
export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
