/**
 * The transaction coordinators of one broker, one per `__transaction_state` partition it leads,
 * as Kafka's TransactionStateManager keeps the partitions it owns: the coordinator of a
 * transactional id is the leader of partition {@link transactionPartitionFor}(id, partitions).
 *
 * - Alone ({@link standalone}), the broker leads every partition, coordinator epoch 0.
 * - In a cluster, the cluster floor calls {@link becomeLeader} with the partition's leader epoch
 *   once this broker has taken the leader role for it, and {@link resign} when it lost it. A new
 *   leader's coordinator loads the partition and recovers from it (Prepare* transactions are
 *   completed, Ongoing ones get their timeout, see TransactionCoordinator.load); its markers
 *   carry its coordinator epoch. A resigned coordinator stops at once: its timers end, its
 *   requests answer `not_coordinator`, and its writes to the partition it no longer leads fail.
 * - A request for an id whose partition another broker leads gets `not_coordinator`
 *   (retriable: Kafka clients look the coordinator up again with FindCoordinator).
 *
 * The methods mirror TransactionCoordinator's and route by transactional id, so front ends and
 * the programmatic producer use one object whatever the topology.
 */
import { RivuletError } from "../core/errors.ts";
import type { OffsetCommitEntry, TopicPartition } from "../broker/group-api.ts";
import type {
  InitProducerIdOptions, TransactionalIdentity, TransactionalRequest, TransactionCoordinator, TransactionCoordinatorApi, TransactionGroupMember,
} from "./transaction-coordinator.ts";
import { transactionPartitionFor } from "./transaction-log.ts";
import type { TransactionMetadata } from "./transaction-metadata.ts";

/** How the broker builds one partition's coordinator. */
export interface CoordinatorFactory {
  /** The local group coordinator, for offsets forwarded by {@link TransactionCoordinators.txnOffsetCommit} in a cluster. */
  groups: {
    /** Commits a transaction's offsets, bypassing membership (checked when they were sent). */
    commit(groupId: string, offsets: OffsetCommitEntry[]): Promise<void>;
    /** TxnOffsetCommit v3's membership check (generation -1: none). */
    checkMember(groupId: string, generationId: number, memberId: string, offsets: OffsetCommitEntry[]): Promise<void>;
  };
  /** Most producers with offsets pending here at once (a group coordinator's share of {@link TransactionCoordinators.txnOffsetCommit}). */
  pendingOffsetsMax: number;
  /** A coordinator over `partition` of `__transaction_state` whose markers carry `coordinatorEpoch`; not loaded yet. */
  create(partition: number, coordinatorEpoch: number): TransactionCoordinator;
  /** The partition count of `__transaction_state` (undefined while the topic does not exist). */
  partitions(): number | undefined;
}

/**
 * Checks a transactional batch for a partition this broker leads when another broker
 * coordinates its transactional id (KIP-890's verification, asked of that coordinator).
 */
export type RemoteProduceCheck = (request: TransactionalRequest, topic: string, partition: number) => Promise<void>;

/**
 * In a cluster, how a transaction's offsets reach the coordinator of its id when the group's
 * coordinator (the leader of `__consumer_offsets` partition 0) is another broker.
 */
export interface ClusterOffsets {
  /** True when this broker coordinates the groups (leads `__consumer_offsets` partition 0). */
  coordinatesGroups(): boolean;
  /** Stages the offsets at the transactional id's coordinator (TxnOffsetCommit over the brokers' connection). */
  forward(request: TransactionalRequest, groupId: string, offsets: OffsetCommitEntry[]): Promise<void>;
}

/** Offsets a group coordinator holds for a producer's transaction until its commit or abort marker. */
interface PendingOffsets {
  producerEpoch: number;
  byGroup: Map<string, OffsetCommitEntry[]>;
}

interface Owned {
  coordinatorEpoch: number;
  coordinator: TransactionCoordinator;
  off: () => void;
}

/**
 * Routes transactional requests to the coordinator of their id's partition.
 *
 * @example
 * ```ts
 * const coordinators = new TransactionCoordinators({ create: (p, epoch) => new TransactionCoordinator({ ... }), partitions: () => 1 });
 * coordinators.standalone();
 * await coordinators.initProducerId({ transactionalId: "payments-1", transactionTimeoutMs: 60_000 });
 * ```
 */
export class TransactionCoordinators implements TransactionCoordinatorApi {
  readonly #factory: CoordinatorFactory;
  readonly #owned = new Map<number, Owned>();
  readonly #listeners = new Set<(meta: TransactionMetadata) => void>();
  #clustered = false;
  #closed = false;
  #remoteCheck: RemoteProduceCheck | null = null;
  #clusterOffsets: ClusterOffsets | null = null;
  /** By producer id: offsets this broker, the groups' coordinator, holds for another broker's transaction. */
  readonly #pending = new Map<number, PendingOffsets>();

  constructor(factory: CoordinatorFactory) {
    this.#factory = factory;
  }

  /** Takes every partition at coordinator epoch 0 and starts recovering them: a broker alone. */
  standalone(): void {
    const partitions = this.#factory.partitions() ?? 1;
    for (let p = 0; p < partitions; p++) this.becomeLeader(p, 0);
  }

  /**
   * From now on the cluster says which partitions this broker leads: every partition taken
   * alone is given up (the cluster floor calls {@link becomeLeader} for those it leads), and a
   * batch for a partition here whose id another broker coordinates is checked with `remoteCheck`.
   */
  async useCluster(remoteCheck: RemoteProduceCheck | null, offsets: ClusterOffsets | null = null): Promise<void> {
    this.#clustered = true;
    this.#remoteCheck = remoteCheck;
    this.#clusterOffsets = offsets;
    await Promise.all([...this.#owned.keys()].map((p) => this.resign(p)));
  }

  /** True once {@link useCluster} was called. */
  get clustered(): boolean {
    return this.#clustered;
  }

  /**
   * This broker leads `partition` at `coordinatorEpoch` (its leader epoch): a coordinator for it
   * starts loading (a coordinator of an older epoch is closed first). Nothing when it already
   * coordinates the partition at that epoch.
   */
  becomeLeader(partition: number, coordinatorEpoch: number): void {
    if (this.#closed) return;
    const held = this.#owned.get(partition);
    if (held && held.coordinatorEpoch === coordinatorEpoch) return;
    if (held) this.#drop(partition, held);
    const coordinator = this.#factory.create(partition, coordinatorEpoch);
    const off = coordinator.onChange((meta) => {
      for (const listener of this.#listeners) listener(meta);
    });
    this.#owned.set(partition, { coordinatorEpoch, coordinator, off });
    coordinator.load().catch(() => {}); // its error reaches the requests, which await the load themselves
  }

  /** This broker no longer leads `partition`: its coordinator stops (requests get `not_coordinator`). */
  async resign(partition: number): Promise<void> {
    const held = this.#owned.get(partition);
    if (held) await this.#drop(partition, held);
  }

  /** The partitions coordinated here, with their coordinator epochs. */
  owned(): Array<{ partition: number; coordinatorEpoch: number }> {
    return [...this.#owned].map(([partition, o]) => ({ partition, coordinatorEpoch: o.coordinatorEpoch }));
  }

  /** The `__transaction_state` partition of `transactionalId` (0 while the topic is unknown). */
  partitionOf(transactionalId: string): number {
    return transactionPartitionFor(transactionalId, this.#factory.partitions() ?? 1);
  }

  /** True when this broker coordinates `transactionalId`. */
  coordinates(transactionalId: string): boolean {
    return this.#owned.has(this.partitionOf(transactionalId));
  }

  /**
   * The coordinator of `transactionalId`.
   *
   * @throws {RivuletError} `not_coordinator` when this broker does not lead the id's partition
   */
  coordinatorFor(transactionalId: string): TransactionCoordinator {
    if (this.#closed) throw new RivuletError("not_coordinator", "the broker is closing: find the transaction coordinator again");
    const partition = this.partitionOf(transactionalId);
    const held = this.#owned.get(partition);
    if (!held) {
      throw new RivuletError("not_coordinator", `this broker does not coordinate transactional id "${transactionalId}" (partition ${partition} of __transaction_state is led elsewhere): find the coordinator again`, { transactionalId, partition });
    }
    return held.coordinator;
  }

  /** See TransactionCoordinator.initProducerId. */
  initProducerId(options: InitProducerIdOptions): Promise<TransactionalIdentity> {
    return this.#route(options.transactionalId, (c) => c.initProducerId(options));
  }

  /** See TransactionCoordinator.addPartitions. */
  addPartitions(request: TransactionalRequest, partitions: TopicPartition[]): Promise<void> {
    return this.#route(request.transactionalId, (c) => c.addPartitions(request, partitions));
  }

  /** See TransactionCoordinator.addOffsets. */
  addOffsets(request: TransactionalRequest, groupId: string): Promise<void> {
    return this.#route(request.transactionalId, (c) => c.addOffsets(request, groupId));
  }

  /**
   * See TransactionCoordinator.txnOffsetCommit. In a cluster a client sends TxnOffsetCommit to
   * the group's coordinator, which may not coordinate the transactional id (Kafka's split): this
   * broker then checks the member, has the id's coordinator stage the offsets in the
   * transaction's durable record ({@link ClusterOffsets.forward}) and holds them until the
   * transaction's marker for `__consumer_offsets` comes ({@link completeGroupOffsets}): commit
   * applies them, abort drops them.
   *
   * @throws {RivuletError} as TransactionCoordinator.txnOffsetCommit; `not_coordinator` when this
   *   broker coordinates neither the id nor the groups
   */
  async txnOffsetCommit(request: TransactionalRequest, groupId: string, offsets: OffsetCommitEntry[], member?: TransactionGroupMember): Promise<void> {
    const cluster = this.#clusterOffsets;
    if (!this.#clustered || this.coordinates(request.transactionalId) || !cluster) {
      return this.#route(request.transactionalId, (c) => c.txnOffsetCommit(request, groupId, offsets, member));
    }
    if (!cluster.coordinatesGroups()) throw new RivuletError("not_coordinator", `this broker coordinates neither transactional id "${request.transactionalId}" nor group "${groupId}": find the group coordinator again`, { group: groupId });
    if (member) await this.#factory.groups.checkMember(groupId, member.generationId, member.memberId, offsets);
    const held = this.#pending.get(request.producerId);
    if (!held && this.#pending.size >= this.#factory.pendingOffsetsMax) {
      throw new RivuletError("concurrent_transactions", `this group coordinator holds the offsets of ${this.#factory.pendingOffsetsMax} open transactions: retry once some end`, { limit: "transactionalIdsMax" });
    }
    await cluster.forward(request, groupId, offsets);
    // the coordinator took them at this epoch; offsets held for an older epoch of the producer are stale
    if (held && held.producerEpoch > request.producerEpoch) return;
    const pending = held && held.producerEpoch === request.producerEpoch ? held : { producerEpoch: request.producerEpoch, byGroup: new Map<string, OffsetCommitEntry[]>() };
    const list = pending.byGroup.get(groupId) ?? [];
    for (const o of offsets) {
      const at = list.findIndex((x) => x.topic === o.topic && x.partition === o.partition);
      if (at >= 0) list[at] = { ...o };
      else list.push({ ...o });
    }
    pending.byGroup.set(groupId, list);
    this.#pending.set(request.producerId, pending);
  }

  /**
   * The marker of a producer's transaction for `__consumer_offsets` (WriteTxnMarkers from the
   * id's coordinator): on commit the offsets held for it at that epoch are committed to their
   * groups; either way the offsets of that epoch and older ones are dropped. Repeating it
   * commits nothing more.
   */
  async completeGroupOffsets(producerId: number, producerEpoch: number, commit: boolean): Promise<void> {
    const pending = this.#pending.get(producerId);
    if (!pending || pending.producerEpoch > producerEpoch) return;
    if (commit && pending.producerEpoch === producerEpoch) {
      for (const [groupId, offsets] of pending.byGroup) await this.#factory.groups.commit(groupId, offsets);
    }
    if (this.#pending.get(producerId) === pending) this.#pending.delete(producerId);
  }

  /** See TransactionCoordinator.endTxn. */
  endTxn(request: TransactionalRequest, commit: boolean): Promise<void> {
    return this.#route(request.transactionalId, (c) => c.endTxn(request, commit));
  }

  /**
   * KIP-890's check of a transactional batch (TransactionCoordinator.checkProduce) when this
   * broker coordinates the id: synchronous once {@link loaded}. When another broker does (in a
   * cluster), the answer is a promise of that coordinator's verdict; without a remote check the
   * batch is left to the partition's producer state (epochs only).
   *
   * @throws {RivuletError} as TransactionCoordinator.checkProduce, `not_coordinator`
   */
  checkProduce(request: TransactionalRequest, topic: string, partition: number): Promise<void> | void {
    if (!this.#clustered || this.coordinates(request.transactionalId)) {
      this.coordinatorFor(request.transactionalId).checkProduce(request, topic, partition);
      return undefined;
    }
    return this.#remoteCheck?.(request, topic, partition) ?? undefined;
  }

  /**
   * KIP-890's check by this broker's coordinator of the id, for another broker's partition
   * leader; never asks further.
   *
   * @throws {RivuletError} `not_coordinator` when this broker does not coordinate the id, else as TransactionCoordinator.checkProduce
   */
  verifyHere(request: TransactionalRequest, topic: string, partition: number): void {
    this.coordinatorFor(request.transactionalId).checkProduce(request, topic, partition);
  }

  /** Resolves once every coordinator here has loaded its partition. */
  async load(): Promise<void> {
    await Promise.all([...this.#owned.values()].map((o) => o.coordinator.load()));
  }

  /** True when every coordinator here has loaded its partition. */
  get loaded(): boolean {
    return [...this.#owned.values()].every((o) => o.coordinator.loaded);
  }

  /** The id's state (a copy) when this broker coordinates it, else undefined. */
  describe(transactionalId: string): TransactionMetadata | undefined {
    return this.#owned.get(this.partitionOf(transactionalId))?.coordinator.describe(transactionalId);
  }

  /** Every id coordinated here (copies). */
  list(): TransactionMetadata[] {
    return [...this.#owned.values()].flatMap((o) => o.coordinator.list());
  }

  /** Calls `listener` with every state once it is durable, on any partition coordinated here; returns the unsubscribe function. */
  onChange(listener: (meta: TransactionMetadata) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops every coordinator (their transactions recover on the next start or at the next leader). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#owned].map(([p, o]) => this.#drop(p, o)));
  }

  async #route<T>(transactionalId: string, op: (coordinator: TransactionCoordinator) => Promise<T>): Promise<T> {
    return op(this.coordinatorFor(transactionalId));
  }

  #drop(partition: number, held: Owned): Promise<void> {
    if (this.#owned.get(partition) === held) this.#owned.delete(partition);
    held.off();
    return held.coordinator.close();
  }
}
