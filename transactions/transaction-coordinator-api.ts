/**
 * The public shapes of transaction coordination: what a coordinator needs from its broker
 * ({@link TransactionHost}), its options, the requests it answers, and the API the front ends
 * use ({@link TransactionCoordinatorApi}), implemented by one TransactionCoordinator
 * (transaction-coordinator.ts, which re-exports these) or the per-partition set a broker runs
 * (transaction-coordinators.ts). Types only.
 */
import type { Clock } from "../core/clock.ts";
import type { Limits } from "../core/limits.ts";
import type { OffsetCommitEntry, TopicPartition } from "../broker/group-api.ts";
import type { Timers } from "../groups/group-timers.ts";
import type { TransactionStore } from "./transaction-log.ts";
import type { TransactionMetadata } from "./transaction-metadata.ts";
import type { OutcomeHost } from "./transaction-outcome.ts";

/** What the coordinator needs from the broker it runs in (markers, offsets and topics: see {@link OutcomeHost}). */
export interface TransactionHost extends OutcomeHost {
  allocateProducerId(): Promise<number>;
  /** Checks that a consumer of the group's current generation sends the offsets (KIP-447; generation -1 is not checked). */
  checkGroupMember(groupId: string, generationId: number, memberId: string, offsets: OffsetCommitEntry[]): Promise<void>;
  /** Partition count of a topic, undefined when it does not exist. */
  partitionsOf(topic: string): number | undefined;
}

/** The group member sending a transaction's offsets (TxnOffsetCommit v3+), when it says. */
export interface TransactionGroupMember {
  generationId: number;
  memberId: string;
}

/** Options of a TransactionCoordinator. */
export interface TransactionCoordinatorOptions {
  store: TransactionStore;
  host: TransactionHost;
  clock?: Clock;
  limits?: Limits;
  /** Timeouts and marker retries; `setTimeout` by default. */
  timers?: Timers;
}

/** Who asks: a principal name bound to the ids it uses, or undefined for anyone (no auth file, cluster admin). */
export type TransactionPrincipal = string | undefined;

/** InitProducerId's request. */
export interface InitProducerIdOptions {
  transactionalId: string;
  transactionTimeoutMs: number;
  /** The producer's current id and epoch (InitProducerId v3+), -1 for a new producer. */
  producerId?: number;
  producerEpoch?: number;
  principal?: TransactionPrincipal;
}

/** A producer of a transactional id, as InitProducerId answers. */
export interface TransactionalIdentity {
  producerId: number;
  producerEpoch: number;
}

/** The transactional producer a request names. */
export interface TransactionalRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  principal?: TransactionPrincipal;
}

/**
 * What the front ends and the programmatic producer use of a broker's transaction coordination:
 * one TransactionCoordinator (transaction-coordinator.ts), or the per-partition set of them a broker runs
 * (transaction-coordinators.ts), which routes each request by transactional id.
 */
export interface TransactionCoordinatorApi {
  initProducerId(options: InitProducerIdOptions): Promise<TransactionalIdentity>;
  addPartitions(request: TransactionalRequest, partitions: TopicPartition[]): Promise<void>;
  addOffsets(request: TransactionalRequest, groupId: string): Promise<void>;
  txnOffsetCommit(request: TransactionalRequest, groupId: string, offsets: OffsetCommitEntry[], member?: TransactionGroupMember): Promise<void>;
  endTxn(request: TransactionalRequest, commit: boolean): Promise<void>;
  /** KIP-890's check: throws at once, or (a coordinator on another broker) answers with a promise. */
  checkProduce(request: TransactionalRequest, topic: string, partition: number): Promise<void> | void;
  /** KIP-890's check by a coordinator on this broker only (another broker's partition leader asks); `not_coordinator` when none here has the id. */
  verifyHere(request: TransactionalRequest, topic: string, partition: number): void;
  /** True when this broker coordinates the id (a single coordinator: every id). */
  coordinates?(transactionalId: string): boolean;
  /** In a cluster: the marker for `__consumer_offsets` of another broker's transaction, whose offsets this broker (the groups' coordinator) holds. */
  completeGroupOffsets?(producerId: number, producerEpoch: number, commit: boolean): Promise<void>;
  load(): Promise<void>;
  readonly loaded: boolean;
  describe(transactionalId: string): TransactionMetadata | undefined;
  list(): TransactionMetadata[];
  onChange(listener: (meta: TransactionMetadata) => void): () => void;
}
