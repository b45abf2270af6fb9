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
import { TransactionLog, TRANSACTION_STATE_TOPIC } from "./transaction-log.ts";
import { TransactionalProducer, type TransactionalProducerOptions } from "./transactional-producer.ts";

/** The groups factory, with `__transaction_state` among the internal topics, remembering what it built. */
function transactionalParts(): { factory: GroupsFactory; built(): { host: GroupsHost; groups: GroupCoordinator } } {
  let host: GroupsHost | undefined;
  let groups: GroupCoordinator | undefined;
  const factory: GroupsFactory = {
    topics: [...consumerGroups.topics, { name: TRANSACTION_STATE_TOPIC, config: { "cleanup.policy": "compact" } }],
    create(h) {
      host = h;
      const created = consumerGroups.create(h);
      groups = created as GroupCoordinator;
      return created;
    },
  };
  return { factory, built: () => ({ host: host!, groups: groups! }) };
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
  #transactions!: TransactionCoordinator;

  /**
   * Starts the supervisor and workers, the group coordinator and the transaction coordinator,
   * which loads `__transaction_state` and recovers in the background: transactional requests
   * wait for it.
   */
  static override async open(options: BrokerOptions): Promise<Broker> {
    const { limits, supervisor } = await GroupsBroker.startSupervisor(options);
    const parts = transactionalParts();
    const broker = new Broker(options, limits, supervisor, parts.factory);
    const { host, groups } = parts.built();
    broker.#transactions = new TransactionCoordinator({
      store: new TransactionLog(broker, host.producer),
      host: {
        writeTxnMarkers: (markers) => broker.writeTxnMarkers(markers),
        allocateProducerId: () => broker.allocateProducerId(),
        commitTransactionOffsets: (groupId, offsets) => groups.commitTransactionOffsets(groupId, offsets),
        checkGroupMember: (groupId, generationId, memberId, offsets) => groups.checkTransactionMember(groupId, generationId, memberId, offsets),
        partitionsOf: host.partitionsOf,
      },
      clock: broker.clock,
      limits,
    });
    await broker.startGroups();
    broker.#transactions.load().catch(() => {}); // its error reaches the transactional requests, which await the load themselves
    return broker;
  }

  /** The transaction coordinator (the Kafka listener's transaction APIs use it). */
  get transactions(): TransactionCoordinator {
    return this.#transactions;
  }

  /** A transactional producer (`transactionalId` given) or a plain / idempotent one. */
  override producer(options: TransactionalProducerOptions): TransactionalProducer;
  override producer(options?: ProducerOptions): Producer;
  override producer(options?: ProducerOptions | TransactionalProducerOptions): Producer | TransactionalProducer {
    if (options && "transactionalId" in options && options.transactionalId !== undefined) return new TransactionalProducer(this, this.#transactions, options);
    return super.producer(options as ProducerOptions | undefined);
  }

  /** Stops the transaction coordinator's timers, then closes the broker. */
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
export { TransactionalProducer, type TransactionalProducerOptions, type Transaction } from "./transactional-producer.ts";
