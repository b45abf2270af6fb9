/**
 * How a follower talks to its leader: the contract the replica fetcher implements. The Kafka
 * listener's codecs live in kafka/ (a floor above), so the fetcher that speaks the wire protocol
 * is there (`kafka/replica-fetcher.ts`) and is handed to the {@link ReplicaManager} by
 * server/serve.ts; this floor only states what it needs.
 *
 * Failures of a whole request (connection lost, timeout, authentication refused) reject the
 * promise; failures of one partition come back as that partition's `error` (a Rivulet error
 * code: `not_leader`, `fenced_leader_epoch`, `unknown_leader_epoch`, `offset_out_of_range`, …).
 */
import type { ErrorCode } from "../../core/errors.ts";

/** One partition of a follower's Fetch. */
export interface ReplicaFetchPartition {
  topic: string;
  partition: number;
  /** The leader epoch the follower follows (the leader fences older and newer ones). */
  currentLeaderEpoch: number;
  /** The follower's log end offset: what it holds durably. */
  fetchOffset: number;
  logStartOffset: number;
  maxBytes: number;
}

/** A follower's Fetch (Kafka Fetch with replica_id = the follower's broker id, read_uncommitted). */
export interface ReplicaFetchRequest {
  replicaId: number;
  /** How long the leader may hold the request when it has nothing new. */
  maxWaitMs: number;
  maxBytes: number;
  partitions: ReplicaFetchPartition[];
}

/** The leader's answer for one partition. */
export interface ReplicaFetchResult {
  topic: string;
  partition: number;
  /** null on success. */
  error: ErrorCode | null;
  highWatermark: number;
  logStartOffset: number;
  /** Whole RecordBatch v2 batches from the fetch offset (possibly none). */
  records: Uint8Array;
}

/** OffsetsForLeaderEpoch for one partition: where does `leaderEpoch` end in the leader's log? */
export interface EpochQuery {
  topic: string;
  partition: number;
  currentLeaderEpoch: number;
  leaderEpoch: number;
}

/** The leader's answer: the largest epoch ≤ the one asked and its end offset ((-1, -1) if none). */
export interface EpochAnswer {
  topic: string;
  partition: number;
  error: ErrorCode | null;
  leaderEpoch: number;
  endOffset: number;
}

/** An open connection to a leader broker. One request at a time. */
export interface LeaderConnection {
  fetch(request: ReplicaFetchRequest): Promise<ReplicaFetchResult[]>;
  /** OffsetsForLeaderEpoch (v3) as the follower `replicaId`. */
  endOffsets(replicaId: number, queries: EpochQuery[]): Promise<EpochAnswer[]>;
  /** Drops the connection; a request in flight rejects. */
  close(): void;
}

/** SASL credentials a follower logs in with when auth is on. */
export interface ReplicationCredentials {
  mechanism: "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512";
  username: string;
  password: string;
}

/** Opens (and, with credentials, authenticates) a connection to a leader's Kafka listener. */
export type LeaderConnector = (endpoint: { host: string; port: number }, options: { credentials?: ReplicationCredentials; requestTimeoutMs: number; clientId: string }) => Promise<LeaderConnection>;
