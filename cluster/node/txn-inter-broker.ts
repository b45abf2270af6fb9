/**
 * What a clustered broker's transaction coordinators need to say to other brokers: markers to
 * a partition's leader (Kafka's WriteTxnMarkers), and, as a partition leader, KIP-890's
 * verification asked of a transactional id's coordinator (AddPartitionsToTxn v4 `verify_only`).
 * The Kafka listener's codecs live in kafka/ (a floor above), which implements it
 * (kafka/txn-marker-channel.ts); server/serve.ts hands it to the {@link ClusteredBroker}.
 */
import type { ErrorCode } from "../../core/errors.ts";
import type { TxnMarker } from "../../broker/types.ts";
import type { OffsetCommitEntry } from "../../broker/group-api.ts";
import type { TransactionalRequest } from "../../transactions/transaction-coordinator.ts";

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
  /** Forwards a transaction's offsets (checked here, the group's coordinator) to the transactional id's coordinator at `endpoint`; null when staged. */
  txnOffsetCommit(endpoint: { host: string; port: number }, request: TransactionalRequest, groupId: string, offsets: OffsetCommitEntry[]): Promise<ErrorCode | null>;
  close(): void;
}
