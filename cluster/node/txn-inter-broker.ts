/**
 * What a clustered broker's transaction coordinators need to say to other brokers: markers to
 * a partition's leader (Kafka's WriteTxnMarkers), and, as a partition leader, KIP-890's
 * verification asked of a transactional id's coordinator (AddPartitionsToTxn v4 `verify_only`);
 * and what its programmatic transactional producers ask of a coordinator on another broker.
 * The Kafka listener's codecs live in kafka/ (a floor above), which implements it
 * (kafka/txn-marker-channel.ts); server/serve.ts hands it to the {@link ClusteredBroker}.
 */
import type { ErrorCode } from "../../core/errors.ts";
import type { AppendBatchResult, TxnMarker } from "../../broker/types.ts";
import type { OffsetCommitEntry } from "../../broker/group-api.ts";
import type { TransactionalIdentity, TransactionalRequest, TransactionGroupMember } from "../../transactions/transaction-coordinator.ts";
import type { TopicPartition } from "../../broker/group-api.ts";

/** A transactional batch's producer and partition, to verify. */
export interface TxnVerification {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  topic: string;
  partition: number;
}

/** Broker-to-broker transaction requests; a rejected promise is a lost connection or a timeout (retry). */
export interface TxnInterBroker {
  /** Writes `markers` at the broker at `endpoint`; one answer per marker, null when written. */
  writeTxnMarkers(endpoint: { host: string; port: number }, markers: TxnMarker[]): Promise<Array<ErrorCode | null>>;
  /** Asks the coordinator at `endpoint`; null when the partition is in the producer's ongoing transaction. */
  verify(endpoint: { host: string; port: number }, verification: TxnVerification): Promise<ErrorCode | null>;
  /**
   * TxnOffsetCommit at `endpoint`; null when taken. Without `member`: a group's coordinator
   * forwarding offsets it checked to the transactional id's coordinator; with it (or from a
   * producer): a programmatic producer's offsets sent to the group's coordinator.
   */
  txnOffsetCommit(endpoint: { host: string; port: number }, request: TransactionalRequest, groupId: string, offsets: OffsetCommitEntry[], member?: TransactionGroupMember): Promise<ErrorCode | null>;
  /**
   * A programmatic transactional producer's requests to its id's coordinator on another broker
   * (Kafka's InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn).
   *
   * @throws {RivuletError} the coordinator's answer as a Rivulet code (`not_coordinator` when the
   *   broker cannot be reached: find the coordinator again)
   */
  initProducerId(endpoint: { host: string; port: number }, transactionalId: string, transactionTimeoutMs: number): Promise<TransactionalIdentity>;
  addPartitions(endpoint: { host: string; port: number }, request: TransactionalRequest, partitions: TopicPartition[]): Promise<void>;
  addOffsets(endpoint: { host: string; port: number }, request: TransactionalRequest, groupId: string): Promise<void>;
  endTxn(endpoint: { host: string; port: number }, request: TransactionalRequest, commit: boolean): Promise<void>;
  /**
   * A programmatic transactional producer's batch, produced (acks=all) at the partition's leader
   * on another broker with the producer's transactional id, which the leader verifies (KIP-890).
   *
   * @throws {RivuletError} the leader's answer; `partition_unavailable` when it cannot be reached
   */
  produce(endpoint: { host: string; port: number }, transactionalId: string, topic: string, partition: number, batch: Uint8Array): Promise<AppendBatchResult>;
  close(): void;
}
