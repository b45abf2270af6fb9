/**
 * Fetch v4: the first version that returns RecordBatch v2, with isolation level and the last
 * stable offset.
 *
 * ```
 * Fetch Request (Version: 4) => replica_id max_wait_ms min_bytes max_bytes isolation_level [topics]
 *   replica_id => INT32
 *   max_wait_ms => INT32
 *   min_bytes => INT32
 *   max_bytes => INT32
 *   isolation_level => INT8
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition fetch_offset partition_max_bytes
 *       partition => INT32
 *       fetch_offset => INT64
 *       partition_max_bytes => INT32
 * Fetch Response (Version: 4) => throttle_time_ms [responses]
 *   throttle_time_ms => INT32
 *   responses => topic [partitions]
 *     topic => STRING
 *     partitions => partition error_code high_watermark last_stable_offset [aborted_transactions] records
 *       partition => INT32
 *       error_code => INT16
 *       high_watermark => INT64
 *       last_stable_offset => INT64
 *       aborted_transactions => producer_id first_offset   (nullable array)
 *         producer_id => INT64
 *         first_offset => INT64
 *       records => RECORDS                 (INT32 size, -1 = null, then whole batches)
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { FetchPartition, FetchPartitionResponse, FetchRequest, FetchResponse, FetchTopic } from "./types.ts";

/** The request fields every version from v4 starts with. */
export function decodeRequestStart(reader: Reader): Omit<FetchRequest, "topics"> {
  return {
    replicaId: reader.int32(),
    maxWaitMs: reader.int32(),
    minBytes: reader.int32(),
    maxBytes: reader.int32(),
    isolationLevel: reader.int8(),
    sessionId: 0,
    sessionEpoch: -1,
    forgottenTopics: [],
    rackId: "",
  };
}

/** Reads topics whose partitions are read by `partition` (at least `partitionBytesMin` each). */
export function decodeTopics(reader: Reader, partition: (reader: Reader) => FetchPartition, partitionBytesMin: number): FetchTopic[] {
  return reader.array((r) => ({ topic: r.string(), partitions: r.array(partition, partitionBytesMin) }), 6);
}

function decodePartition(reader: Reader): FetchPartition {
  const partition = reader.int32();
  const fetchOffset = reader.int64();
  return { partition, currentLeaderEpoch: -1, fetchOffset, logStartOffset: -1, partitionMaxBytes: reader.int32() };
}

export function decodeRequest(reader: Reader): FetchRequest {
  const start = decodeRequestStart(reader);
  return { ...start, topics: decodeTopics(reader, decodePartition, 16) };
}

/** aborted_transactions: a nullable array of (producer_id, first_offset). */
export function encodeAborted(writer: Writer, aborted: FetchPartitionResponse["abortedTransactions"]): void {
  writer.nullableArray(aborted, (w, txn) => w.int64(txn.producerId).int64(txn.firstOffset));
}

/** Writes the topic array, each partition by `encodePartition`. */
export function encodeTopics(writer: Writer, response: FetchResponse, encodePartition: (writer: Writer, partition: FetchPartitionResponse) => void): void {
  writer.array(response.topics, (w, topic) => {
    w.string(topic.topic);
    w.array(topic.partitions, encodePartition);
  });
}

function encodePartition(writer: Writer, partition: FetchPartitionResponse): void {
  writer.int32(partition.partition).int16(partition.errorCode).int64(partition.highWatermark).int64(partition.lastStableOffset);
  encodeAborted(writer, partition.abortedTransactions);
  writer.nullableBytes(partition.records);
}

export function encodeResponse(writer: Writer, response: FetchResponse): void {
  writer.int32(response.throttleTimeMs);
  encodeTopics(writer, response, encodePartition);
}
