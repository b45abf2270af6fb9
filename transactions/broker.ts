/**
 * The public `Broker`: the groups floor's broker (groups/broker.ts) with the transaction
 * coordinator wired in. The composition sits here because the coordinator writes through the
 * broker (markers, its `__transaction_state` records) and commits offsets into the group
 * coordinator, so transactions/ is above groups/.
 */
import type { Limits } from "../core/limits.ts";
import type { BrokerOptions, GroupsFactory, GroupsHost } from "../broker/broker.ts";
import type { Supervisor } from "../actors/supervisor.ts";
import type { Producer, ProducerOptions } from "../broker/producer.ts";
import { Broker as GroupsBroker, consumerGroups } from "../groups/broker.ts";
import type { GroupCoordinator } from "../groups/group-coordinator.ts";
import { TransactionCoordinator } from "./transaction-coordinator.ts";
import { TransactionCoordinators, type ClusterOffsets, type RemoteProduceCheck } from "./transaction-coordinators.ts";
import type { TxnMarker } from "../broker/types.ts";
import { TransactionLog, TRANSACTION_STATE_TOPIC } from "./transaction-log.ts";
import { TransactionalProducer, type TransactionalProducerOptions } from "./transactional-producer.ts";
import { localTransactionClient, type TransactionClient } from "./transaction-client.ts";

/** The groups factory, with `__transaction_state` among the internal topics, remembering what it built. */
function transactionalParts(statePartitions: number): { factory: GroupsFactory; built(): { host: GroupsHost; groups: GroupCoordinator } } {
  let host: GroupsHost | undefined;
  let groups: GroupCoordinator | undefined;
  const factory: GroupsFactory = {
    topics: [...consumerGroups.topics, { name: TRANSACTION_STATE_TOPIC, config: { "cleanup.policy": "compact" }, partitions: statePartitions }],
    create(h) {
      host = h;
      const created = consumerGroups.create(h);
      groups = created as GroupCoordinator;
      return created;
    },
  };
  return { factory, built: () => ({ host: host!, groups: groups! }) };
}

/** Options of {@link Broker.open}. */
export interface TransactionalBrokerOptions extends BrokerOptions {
  /**
   * "standalone" (default): this broker coordinates every transactional id and recovers them
   * from its `__transaction_state` at once. "cluster": it coordinates nothing until the cluster
   * floor tells it which `__transaction_state` partitions it leads ({@link Broker.useTransactionCluster}),
   * so a restarted member of a cluster never recovers transactions from a replica it no longer leads.
   */
  transactionCoordination?: "standalone" | "cluster";
}

/** How a clustered broker's transaction coordinators reach the rest of the cluster (cluster/node/clustered-broker.ts). */
export interface TransactionClusterRouting {
  /** Writes markers at each partition's leader, here or on another broker. */
  writeTxnMarkers(markers: TxnMarker[]): Promise<void>;
  /** `__transaction_state`'s partition count in the cluster (undefined while it does not exist). */
  partitions(): number | undefined;
  /** A topic's partition count in the cluster (undefined when it does not exist): markers go to partitions this broker holds no replica of. */
  partitionsOf(topic: string): number | undefined;
  /** KIP-890's check asked of another broker's coordinator (null: epochs only). */
  remoteProduceCheck: RemoteProduceCheck | null;
  /**
   * Where a programmatic transactional producer's requests go in the cluster: the id's
   * coordinator, the group's coordinator and each partition's leader, on whichever broker holds
   * them (this one's own coordinators and partitions when it does).
   */
  client: TransactionClient;
  /** How a transaction's offsets travel between the groups' coordinator and the id's coordinator. */
  offsets: ClusterOffsets & {
    /**
     * At a commit, when another broker coordinates the groups: sends it the transaction's marker
     * for `__consumer_offsets` partition 0 (it commits the offsets it holds) and resolves true;
     * false when this broker coordinates the groups (the offsets are committed here).
     */
    commitElsewhere(txn: { producerId: number; producerEpoch: number; coordinatorEpoch: number }): Promise<boolean>;
    /** At an abort: the same with an abort marker (the groups' coordinator drops the offsets it holds); nothing when this broker coordinates the groups. */
    abortElsewhere(txn: { producerId: number; producerEpoch: number; coordinatorEpoch: number }): Promise<void>;
  };
}

/**
 * A Rivulet broker in this process, with consumer groups and transactions.
 *
 * @example
 * ```ts
 * const broker = await Broker.open({ dataDir: "./data" });
 * await broker.createTopic("payments", { partitions: 4 });
 * const producer = broker.producer({ transactionalId: "payments-writer" });
 * await producer.transaction(async (tx) => {
 *   await tx.send("payments", { key: "alice", value: "paid 200 to bob" });
 * });
 * await broker.close();
 * ```
 */
export class Broker extends GroupsBroker {
  #transactions!: TransactionCoordinators;
  #cluster: TransactionClusterRouting | null = null;

  /**
   * Starts the supervisor and workers, the group coordinator and the transaction coordinators;
   * alone, they load `__transaction_state` and recover in the background (transactional
   * requests wait for it).
   */
  static override async open(options: TransactionalBrokerOptions): Promise<Broker> {
    const { limits, supervisor } = await GroupsBroker.startSupervisor(options);
    // a cluster member's __transaction_state is the cluster's: several partitions, led by several brokers
    const parts = transactionalParts(options.transactionCoordination === "cluster" ? limits.transactionStatePartitions : 1);
    const broker = new Broker(options, limits, supervisor, parts.factory);
    const { host, groups } = parts.built();
    broker.#transactions = new TransactionCoordinators({
      groups: {
        commit: (groupId, offsets) => groups.commitTransactionOffsets(groupId, offsets),
        checkMember: (groupId, generationId, memberId, offsets) => groups.checkTransactionMember(groupId, generationId, memberId, offsets),
      },
      pendingOffsetsMax: limits.transactionalIdsMax,
      partitions: () => broker.#cluster ? broker.#cluster.partitions() : host.partitionsOf(TRANSACTION_STATE_TOPIC),
      create: (partition, coordinatorEpoch) => new TransactionCoordinator({
        // its own producer, so a deposed coordinator's writes give up within transactionStateWriteTimeoutMs
        store: new TransactionLog(broker, broker.producer({ idempotent: true, deliveryTimeoutMs: limits.transactionStateWriteTimeoutMs }), partition),
        host: {
          coordinatorEpoch,
          writeTxnMarkers: (markers) => broker.#cluster ? broker.#cluster.writeTxnMarkers(markers) : broker.writeTxnMarkers(markers),
          allocateProducerId: () => broker.allocateProducerId(),
          commitTransactionOffsets: async (groupId, offsets, txn) => {
            if (broker.#cluster && await broker.#cluster.offsets.commitElsewhere(txn)) return;
            await groups.commitTransactionOffsets(groupId, offsets);
          },
          dropTransactionOffsets: async (txn) => {
            if (broker.#cluster) await broker.#cluster.offsets.abortElsewhere(txn);
          },
          checkGroupMember: (groupId, generationId, memberId, offsets) => groups.checkTransactionMember(groupId, generationId, memberId, offsets),
          partitionsOf: (topic) => broker.#cluster ? broker.#cluster.partitionsOf(topic) : host.partitionsOf(topic),
        },
        clock: broker.clock,
        limits,
      }),
    });
    await broker.startGroups();
    if (options.transactionCoordination !== "cluster") broker.#transactions.standalone();
    return broker;
  }

  /** The transaction coordinators (the Kafka listener's transaction APIs use them). */
  get transactions(): TransactionCoordinators {
    return this.#transactions;
  }

  /**
   * Makes this broker a cluster member for transactions: the coordinators it runs alone stop,
   * markers go to each partition's leader through `routing`, and from now on the caller says
   * which `__transaction_state` partitions it leads (TransactionCoordinators.becomeLeader / resign).
   */
  async useTransactionCluster(routing: TransactionClusterRouting): Promise<void> {
    this.#cluster = routing;
    await this.#transactions.useCluster(routing.remoteProduceCheck, routing.offsets);
  }

  /** A transactional producer (`transactionalId` given) or a plain / idempotent one. */
  override producer(options: TransactionalProducerOptions): TransactionalProducer;
  override producer(options?: ProducerOptions): Producer;
  override producer(options?: ProducerOptions | TransactionalProducerOptions): Producer | TransactionalProducer {
    if (options && "transactionalId" in options && options.transactionalId !== undefined) return new TransactionalProducer(this, this.#transactionClient(), options);
    return super.producer(options as ProducerOptions | undefined);
  }

  /**
   * The programmatic producers' way to the coordinators and partitions: chosen per request, so a
   * producer made before the broker joined its cluster follows the cluster once it has.
   */
  #transactionClient(): TransactionClient {
    const local = localTransactionClient(this, this.#transactions);
    const current = (): TransactionClient => this.#cluster?.client ?? local;
    return {
      topicConfig: (topic) => current().topicConfig(topic),
      appendBatch: (topic, partition, batch, transactionalId) => current().appendBatch(topic, partition, batch, transactionalId),
      initProducerId: (options) => current().initProducerId(options),
      addPartitions: (request, partitions) => current().addPartitions(request, partitions),
      addOffsets: (request, groupId) => current().addOffsets(request, groupId),
      txnOffsetCommit: (request, groupId, offsets, member) => current().txnOffsetCommit(request, groupId, offsets, member),
      endTxn: (request, commit) => current().endTxn(request, commit),
    };
  }

  /** Stops the transaction coordinators' timers, then closes the broker. */
  override async close(): Promise<void> {
    await this.#transactions.close();
    await super.close();
  }

  /** @internal */
  protected constructor(options: BrokerOptions, limits: Limits, supervisor: Supervisor, groups: GroupsFactory) {
    super(options, limits, supervisor, groups);
  }
}

export type { BrokerOptions };
export { TransactionCoordinators } from "./transaction-coordinators.ts";
export { TransactionalProducer, type TransactionalProducerOptions, type Transaction } from "./transactional-producer.ts";
export type { TransactionClient } from "./transaction-client.ts";
