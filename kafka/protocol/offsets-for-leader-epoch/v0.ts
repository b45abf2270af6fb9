/**
 * OffsetForLeaderEpoch v0: the end offset of an epoch, per partition.
 *
 * ```
 * OffsetForLeaderEpoch Request (Version: 0) => [topics]
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition leader_epoch
 *       partition => INT32
 *       leader_epoch => INT32
 * OffsetForLeaderEpoch Response (Version: 0) => [topics]
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => error_code partition end_offset
 *       error_code => INT16
 *       partition => INT32
 *       end_offset => INT64
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { EpochEndOffsetResult, OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse, OffsetForLeaderTopic } from "./types.ts";

/** Kafka's replica id of a request that names none (before v3). */
export const REPLICA_ID_DEFAULT = -2;

/** The topics array; `withCurrentEpoch` from v2 on. */
export function decodeTopics(reader: Reader, withCurrentEpoch: boolean): OffsetForLeaderTopic[] {
  return reader.array(
    (r) => ({
      topic: r.string(),
      partitions: r.array((p) => {
        const partition = p.int32();
        const currentLeaderEpoch = withCurrentEpoch ? p.int32() : -1;
        return { partition, currentLeaderEpoch, leaderEpoch: p.int32() };
      }, withCurrentEpoch ? 12 : 8),
    }),
    6,
  );
}

export function decodeRequest(reader: Reader): OffsetForLeaderEpochRequest {
  return { replicaId: REPLICA_ID_DEFAULT, topics: decodeTopics(reader, false) };
}

/** The topics array; `withEpoch` from v1 on. */
export function encodeTopics(writer: Writer, response: OffsetForLeaderEpochResponse, withEpoch: boolean): void {
  writer.array(response.topics, (w, t) => {
    w.string(t.topic);
    w.array(t.partitions, (pw, p: EpochEndOffsetResult) => {
      pw.int16(p.errorCode).int32(p.partition);
      if (withEpoch) pw.int32(p.leaderEpoch);
      pw.int64(p.endOffset);
    });
  });
}

export function encodeResponse(writer: Writer, response: OffsetForLeaderEpochResponse): void {
  encodeTopics(writer, response, false);
}
