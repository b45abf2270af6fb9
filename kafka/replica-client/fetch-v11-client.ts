/**
 * The client side of Fetch v11, as a follower sends it to its leader (the server side is
 * `kafka/protocol/fetch/v11.ts`, whose comment holds the grammar). Pure encode / decode.
 *
 * A follower sends replica_id = its broker id, min_bytes 1, isolation read_uncommitted, no
 * fetch session (session_id 0, epoch -1: full requests), no forgotten topics, rack "".
 */
import type { Reader } from "../protocol/reader.ts";
import type { Writer } from "../protocol/writer.ts";
import type { ReplicaFetchRequest } from "../../cluster/replication/leader-connection.ts";

export const fetchClientVersion = 11;

/** One partition of the decoded response; `errorCode` is Kafka's. */
export interface FetchClientPartition {
  topic: string;
  partition: number;
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  records: Uint8Array;
}

/** Writes the request body. Partitions of one topic are grouped, in first-seen order. */
export function encodeFetchRequest(writer: Writer, request: ReplicaFetchRequest): void {
  const topics = new Map<string, ReplicaFetchRequest["partitions"]>();
  for (const p of request.partitions) {
    const list = topics.get(p.topic) ?? [];
    list.push(p);
    topics.set(p.topic, list);
  }
  writer.int32(request.replicaId).int32(request.maxWaitMs).int32(1).int32(request.maxBytes).int8(0).int32(0).int32(-1);
  writer.array([...topics], (w, [topic, partitions]) => {
    w.string(topic);
    w.array(partitions, (pw, p) => {
      pw.int32(p.partition).int32(p.currentLeaderEpoch).int64(p.fetchOffset).int64(p.logStartOffset).int32(p.maxBytes);
    });
  });
  writer.int32(0); // forgotten_topics_data
  writer.string(""); // rack_id
}

/**
 * Reads the response body.
 * @returns the top-level error code and every partition
 * @throws {ProtocolDecodeError} on a malformed body
 */
export function decodeFetchResponse(reader: Reader): { errorCode: number; partitions: FetchClientPartition[] } {
  reader.int32(); // throttle_time_ms
  const errorCode = reader.int16();
  reader.int32(); // session_id
  const partitions: FetchClientPartition[] = [];
  reader.array((r) => {
    const topic = r.string();
    r.array((pr) => {
      const partition = pr.int32();
      const code = pr.int16();
      const highWatermark = pr.int64();
      pr.int64(); // last_stable_offset
      const logStartOffset = pr.int64();
      pr.nullableArray((ar) => [ar.int64(), ar.int64()], 16);
      pr.int32(); // preferred_read_replica
      const records = pr.nullableBytes() ?? new Uint8Array(0);
      partitions.push({ topic, partition, errorCode: code, highWatermark, logStartOffset, records });
    });
  });
  return { errorCode, partitions };
}
