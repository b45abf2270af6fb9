/**
 * Messages between the broker (main thread) and a partition host (one per worker thread).
 * A tagged union; every partition-scoped message names its partition by `topic` and
 * `partition`. Replies are typed per message in {@link PartitionReplies}.
 */
import type { TopicConfig } from "../core/topic-config.ts";
import type { Limits } from "../core/limits.ts";
import type { RecordBlock } from "../record/record-block.ts";

/** A partition this worker hosts, as given at (re)start. */
export interface HostedPartition {
  topic: string;
  partition: number;
  config: TopicConfig;
}

/** What a partition worker starts with; re-read at every restart. */
export interface PartitionHostInit {
  dataDir: string;
  partitions: HostedPartition[];
  /** Partitions that must fail when opened (fault injection: "crashes on every start"). */
  broken: string[];
  /** How often retention and compaction run, in ms. */
  maintenanceIntervalMs: number;
  limits: Limits;
  /**
   * The broker is one of a cluster's: partitions opened here wait for their role (leader or
   * follower) before taking writes or serving consumers, instead of acting alone (see `Partition`).
   */
  awaitRole?: boolean;
}

/** Which records a fetch may see: everything up to the high watermark (default, as in Kafka), or only decided transactions' records, up to the last stable offset. */
export type Isolation = "read_uncommitted" | "read_committed";

/** Result of a raw fetch: whole stored RecordBatch v2 bytes, as the Kafka listener hands them out. */
export interface FetchBatchesResult {
  /** The offset the fetch read from (`earliest` / `latest` resolved). */
  offset: number;
  /** Zero or more whole batches; the first holds `offset` (it may start before it). read_committed: none at or past the last stable offset. */
  batches: Uint8Array;
  highWatermark: number;
  /** Below it every transaction is decided (committed or aborted); ≤ the high watermark. */
  lastStableOffset: number;
  logStartOffset: number;
  /**
   * read_committed: the aborted transactions overlapping the returned batches, as Kafka's Fetch
   * returns them (a reader drops a transactional batch of such a producer from its first offset
   * up to its abort marker); empty for read_uncommitted.
   */
  abortedTransactions: { producerId: number; firstOffset: number }[];
}

/** Result of appending one raw RecordBatch. */
export interface AppendBatchResult {
  baseOffset: number;
  lastOffset: number;
  logAppendTime: number;
  logStartOffset: number;
}

/** Which offset a `listOffset` finds (also `BrokerApi.listOffset`). */
export type OffsetSpec = "earliest" | "latest" | { timestamp: number };

/** OffsetsForLeaderEpoch's answer for one partition: the largest epoch ≤ the one asked and where it ends; (-1, -1) if unknown. */
export interface EpochEndOffset {
  epoch: number;
  endOffset: number;
}

/** A partition's replication view: its log end, leader epoch and epoch entries. */
export interface PartitionEpochState {
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  /** The leader epoch the log stamps on what it appends as leader. */
  leaderEpoch: number;
  /** (epoch, start offset) entries of the leader-epoch cache, oldest first. */
  epochs: { epoch: number; startOffset: number }[];
}

/** Whose word acknowledges a write on a replicated leader: the ISR's ("all", Kafka acks=-1) or the leader's alone (acks=1). */
export type Acks = "all" | "leader";

/** What a replicated leader is told with `becomeLeader`. */
export interface LeaderReplication {
  /** This broker's id. */
  brokerId: number;
  replicas: number[];
  isr: number[];
}

/** An ISR change a leader asks for. */
export interface IsrChange {
  leaderEpoch: number;
  isr: number[];
}

/** A hosted partition's replication role and progress. */
export interface ReplicaStatus {
  role: "none" | "leader" | "follower";
  leaderEpoch: number;
  logEndOffset: number;
  highWatermark: number;
  /** Leader only: */
  replicas: number[];
  isr: number[];
  followers: { brokerId: number; inSync: boolean; leo: number; lagRecords: number; lagMs: number }[];
}

/** Status of one hosted partition. */
export interface PartitionState {
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  lastStableOffset: number;
  sizeBytes: number;
}

export type PartitionRequest =
  | { type: "open"; topic: string; partition: number; config: TopicConfig }
  | { type: "close"; topic: string; partition: number; deleteData: boolean }
  | { type: "configure"; topic: string; partition: number; config: TopicConfig }
  /**
   * Batches encoded elsewhere (Kafka Produce, Durable Streams): validated, CRC included, then
   * appended. `acks` (default "all") matters on a replicated leader only: "all" settles once the
   * high watermark passes the batches, "leader" once they are in the leader's log.
   */
  | { type: "append"; topic: string; partition: number; batches: Uint8Array; acks?: Acks }
  /**
   * A producer's records as a block (its buffer transferred): the partition encodes them as one
   * RecordBatch v2 with these producer fields (-1 when not idempotent) and appends it unchecked.
   */
  | { type: "appendRecords"; topic: string; partition: number; block: RecordBlock; producerId: number; producerEpoch: number; baseSequence: number; acks?: Acks }
  /**
   * Commit or abort marker for a producer's transaction (see `Log.appendTxnMarker`): one
   * control batch appended, the producer's ongoing transaction ended; replies once durable
   * (on a replicated leader, once the high watermark passes it).
   */
  | { type: "writeTxnMarker"; topic: string; partition: number; producerId: number; producerEpoch: number; coordinatorEpoch: number; commit: boolean }
  /**
   * Reads from an offset, or from the log start (`earliest`) / the high watermark (`latest`;
   * the last stable offset under read_committed). `isolation` defaults to read_uncommitted.
   * `replica` marks a follower's fetch (Kafka's replica_id ≥ 0): it reads up to the leader's log
   * end and reports the follower's progress. `currentLeaderEpoch` (-1 = not given) is checked
   * on a replicated partition as Kafka does.
   */
  | { type: "fetch"; topic: string; partition: number; offset: number | "earliest" | "latest"; maxBytes: number; waitMs: number; fetchId: number; isolation?: Isolation; replicaId?: number; currentLeaderEpoch?: number }
  /** Ends a waiting fetch now, with what is there (its caller went away). */
  | { type: "cancelFetch"; topic: string; partition: number; fetchId: number }
  /** Ends every waiting fetch now (the broker is closing). */
  | { type: "releaseWaits" }
  /** `latest` is the high watermark, or the last stable offset under read_committed. */
  | { type: "listOffset"; topic: string; partition: number; spec: OffsetSpec; isolation?: Isolation }
  | { type: "state"; topic: string; partition: number }
  | { type: "maintain" }
  // Replication (driven by the replica fetcher and the controller's decisions):
  /**
   * Become leader with leader epoch `leaderEpoch`: stamped on every batch appended from now on.
   * With `replication`, the partition leads followers: its high watermark is the ISR's, acks=all
   * waits for it, and follower fetches are tracked (see `replica-set.ts`). Again at the same
   * epoch, it takes the new replicas and ISR and keeps the followers' progress.
   */
  | { type: "becomeLeader"; topic: string; partition: number; leaderEpoch: number; replication?: LeaderReplication }
  /** Follow the leader of `leaderEpoch`: refuse produce and consumer fetches (`not_leader`); pending acks=all writes fail. */
  | { type: "becomeFollower"; topic: string; partition: number; leaderEpoch: number }
  /** Stop leading or following: back to a lone partition whose high watermark is its own. */
  | { type: "stopReplication"; topic: string; partition: number }
  /** A follower learnt its leader's high watermark: its own becomes min(that, its log end). */
  | { type: "followerHighWatermark"; topic: string; partition: number; highWatermark: number }
  /**
   * A leader's next ISR change to ask the controller for: answered at once when there is one,
   * when a follower's fetch makes one, or after `waitMs` (then with a shrink found by the lag
   * check, or null). The answered change is in flight until `isrSettled`.
   */
  | { type: "isrWatch"; topic: string; partition: number; waitMs: number }
  /** The controller decided the in-flight ISR change: `isr` is in force, or (null) nothing changed. */
  | { type: "isrSettled"; topic: string; partition: number; leaderEpoch: number; isr: number[] | null }
  /** Role, ISR and follower lags, for metrics. */
  | { type: "replicaState"; topic: string; partition: number }
  /**
   * OffsetsForLeaderEpoch: where `leaderEpoch` ends. `currentLeaderEpoch` (-1 = not given) is
   * checked first against the partition's epoch: older is fenced, newer unknown (Kafka's rules).
   */
  | { type: "endOffsetForEpoch"; topic: string; partition: number; leaderEpoch: number; currentLeaderEpoch: number }
  /** Removes every record at or past `offset` (a batch boundary). */
  | { type: "truncateTo"; topic: string; partition: number; offset: number }
  /** Removes every record and restarts the log, empty, at `offset` (the leader's log starts past this one's end). */
  | { type: "truncateFullyAndStartAt"; topic: string; partition: number; offset: number }
  /**
   * Batches copied from the leader, appended byte for byte (offsets and epochs kept). With
   * `leaderEpoch` (the epoch the fetcher follows), a partition that forgot it follows (its
   * worker restarted) follows again; a newer epoch than the fetcher's fences it.
   */
  | { type: "appendAsFollower"; topic: string; partition: number; batches: Uint8Array; highWatermark?: number; leaderEpoch?: number }
  | { type: "epochState"; topic: string; partition: number };

/** The reply to each request type. */
export interface PartitionReplies {
  open: PartitionState;
  close: null;
  configure: null;
  append: AppendBatchResult;
  appendRecords: AppendBatchResult;
  writeTxnMarker: AppendBatchResult;
  fetch: FetchBatchesResult;
  cancelFetch: null;
  releaseWaits: null;
  listOffset: number;
  state: PartitionState;
  maintain: null;
  becomeLeader: PartitionEpochState;
  endOffsetForEpoch: EpochEndOffset;
  truncateTo: PartitionEpochState;
  truncateFullyAndStartAt: PartitionEpochState;
  appendAsFollower: AppendBatchResult;
  epochState: PartitionEpochState;
  becomeFollower: PartitionEpochState;
  stopReplication: null;
  followerHighWatermark: PartitionEpochState;
  isrWatch: IsrChange | null;
  isrSettled: null;
  replicaState: ReplicaStatus;
}

export type PartitionReply = PartitionReplies[keyof PartitionReplies];

/** The key of a topic-partition in maps and fault lists. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}
