/**
 * The client side of OffsetForLeaderEpoch v3, as a follower asks its leader where an epoch ends
 * (the server side and grammar: `kafka/protocol/offsets-for-leader-epoch/v3.ts`). Pure encode / decode.
 */
import type { Reader } from "../protocol/reader.ts";
import type { Writer } from "../protocol/writer.ts";
import type { EpochQuery } from "../../cluster/replication/leader-connection.ts";

export const offsetsForLeaderEpochClientVersion = 3;

/** One partition of the decoded response; `errorCode` is Kafka's. */
export interface EpochClientAnswer {
  topic: string;
  partition: number;
  errorCode: number;
  leaderEpoch: number;
  endOffset: number;
}

/** Writes the request body: replica_id, then the partitions grouped by topic. */
export function encodeEpochRequest(writer: Writer, replicaId: number, queries: EpochQuery[]): void {
  const topics = new Map<string, EpochQuery[]>();
  for (const q of queries) topics.set(q.topic, [...(topics.get(q.topic) ?? []), q]);
  writer.int32(replicaId);
  writer.array([...topics], (w, [topic, partitions]) => {
    w.string(topic);
    w.array(partitions, (pw, q) => pw.int32(q.partition).int32(q.currentLeaderEpoch).int32(q.leaderEpoch));
  });
}

/**
 * Reads the response body.
 * @throws {ProtocolDecodeError} on a malformed body
 */
export function decodeEpochResponse(reader: Reader): EpochClientAnswer[] {
  reader.int32(); // throttle_time_ms
  const answers: EpochClientAnswer[] = [];
  reader.array((r) => {
    const topic = r.string();
    r.array((pr) => {
      const errorCode = pr.int16();
      const partition = pr.int32();
      const leaderEpoch = pr.int32();
      const endOffset = pr.int64();
      answers.push({ topic, partition, errorCode, leaderEpoch, endOffset });
    });
  });
  return answers;
}
