/**
 * The broker the front ends of a clustered broker speak to: the local broker for records (the
 * data plane decides whether this replica may serve them), the cluster for topics.
 *
 * - `createTopic` / `deleteTopic` go to the controller (directly when this broker is it, else
 *   through a request key, see {@link TopicRequester}), then wait until this broker's metadata
 *   shows the change and its reconciler has opened or removed the local replicas, so a
 *   describe right after answers with it.
 * - `listTopics` / `describeTopic` come from the cluster's metadata; describe adds each
 *   partition's leader, replicas, ISR and leader epoch to the local replica's offsets (a topic
 *   with no replica here shows offsets 0 and worker -1).
 * - `produce`: unkeyed records go to a partition this broker leads (see {@link ClusteredBroker.produce}).
 *   The HTTP door splits a produce by partition and sends each share to its leader itself
 *   (http/cluster-produce.ts).
 * - Once attached, the local broker is given the cluster's routing (broker/cluster-routing.ts):
 *   producer ids from the cluster's counter in etcd (ProducerIdBlocks), so no two brokers' producers
 *   share an id, and an idempotent HTTP producer's batches for partitions led elsewhere written
 *   at their leader through `POST /v1/topics/{t}/partitions/{p}/batches` (see attach).
 * - Everything else is the local broker's.
 */
import { RivuletError, isRivuletError } from "../../core/errors.ts";
import { parseTopicConfig } from "../../core/topic-config.ts";
import type {
  BrokerApi, BrokerHealth, CreateTopicOptions, FetchBatchesResult, FetchOptions, FetchResult, OffsetSpec, ProduceOptions, ProducerRecord,
  RecordMetadata, TopicDescription, WorkerStatus, AppendBatchResult, Acks, Isolation, TxnMarker,
} from "../../broker/types.ts";
import type { TransactionCoordinatorApi, TransactionalRequest } from "../../transactions/transaction-coordinator.ts";
import type { TransactionCoordinators } from "../../transactions/transaction-coordinators.ts";
import type { TransactionClusterRouting } from "../../transactions/broker.ts";
import { TRANSACTION_STATE_TOPIC, transactionPartitionFor } from "../../transactions/transaction-log.ts";
import type { TxnInterBroker } from "./txn-inter-broker.ts";

/** The local broker's transaction coordinator, when it has one (the public `Broker`). */
interface LocalExtras {
  readonly transactions?: TransactionCoordinatorApi;
}

/** A local broker whose transaction coordinators follow the cluster (the public `Broker`). */
interface ClusterableTransactions {
  readonly transactions: TransactionCoordinators;
  useTransactionCluster(routing: TransactionClusterRouting): Promise<void>;
}

/** A local group coordinator that follows the cluster (groups/group-coordinator.ts). */
interface ClusterableGroups {
  useCluster(): void;
  becomeLeader(leaderEpoch: number): void;
  resign(): void;
}

/** Verification failures a producer retries (Kafka answers them as NOT_ENOUGH_REPLICAS, KIP-890). */
const retriableVerification = new Set(["not_coordinator", "concurrent_transactions", "partition_unavailable", "timeout", "closed"]);
import type { GroupCoordinatorApi, OffsetCommitEntry } from "../../broker/group-api.ts";
import { OFFSETS_TOPIC } from "../../groups/offset-log.ts";
import { localTopicConfig } from "../controller/cluster-topic-config.ts";
import type { TopicRequest } from "../controller/topic-requests.ts";
import type { ClusterNode } from "./cluster-node.ts";
import type { ClusterView } from "./cluster-view.ts";
import { ClusterAdmin } from "./cluster-admin.ts";
import { moveOf } from "../controller/reassignment.ts";
import { callBroker } from "./broker-http.ts";
import { clusterTransactionClient } from "./cluster-transaction-client.ts";
import type { ClusterRouting } from "../../broker/cluster-routing.ts";
import { REQUEST_PRODUCERS_TOPIC } from "../../broker/request-producer-log.ts";
import type { ProducerRequest } from "../../broker/types.ts";
import { encodeRecordBlock, type BlockBatchOptions } from "../../record/record-block-encoder.ts";
import type { RecordBlock } from "../../record/record-block.ts";

/** The leader's answer to an appended batch (`{"base_offset", "last_offset", "log_append_time", "log_start_offset"}`). */
function appendAnswer(bytes: Uint8Array): AppendBatchResult {
  const value = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  const number = (name: string): number => {
    const n = value[name];
    if (typeof n !== "number" || !Number.isSafeInteger(n)) throw new RivuletError("partition_unavailable", `a leader's answer to an appended batch has no integer ${name}`);
    return n;
  };
  return { baseOffset: number("base_offset"), lastOffset: number("last_offset"), logAppendTime: number("log_append_time"), logStartOffset: number("log_start_offset") };
}

/** Tries of a topic change whose outcome was lost (etcd unreachable or this broker's lease ended). */
const changeAttempts = 3;

/** The local broker, with the optional parts the Kafka listener and Durable Streams use. */
export type LocalBroker = BrokerApi & {
  allocateProducerId?(): Promise<number>;
  useClusterRouting?(routing: ClusterRouting): void;
  endOffsetForEpoch?(topic: string, partition: number, leaderEpoch: number, currentLeaderEpoch: number): Promise<{ epoch: number; endOffset: number }>;
  readonly limits?: unknown;
  readonly clock?: unknown;
};

/**
 * A clustered broker's facade.
 *
 * @example
 * ```ts
 * const clustered = new ClusteredBroker(broker);
 * clustered.attach(node);           // once the cluster node has started
 * await clustered.createTopic("orders", { partitions: 3, replicationFactor: 3 });
 * ```
 */
export class ClusteredBroker implements BrokerApi {
  readonly #local: LocalBroker;
  #node: ClusterNode | null = null;
  #sticky = 0;
  readonly allocateProducerId?: () => Promise<number>;
  readonly endOffsetForEpoch?: LocalBroker["endOffsetForEpoch"];
  readonly limits?: unknown;
  readonly clock?: unknown;

  readonly #httpProtocol: string;
  readonly #txnInterBroker: TxnInterBroker | null;
  #offTransactions: (() => void) | null = null;
  #offGroups: (() => void) | null = null;

  /**
   * @param local the broker whose replicas this one holds
   * @param options `httpProtocol`: `https:` when the brokers' HTTP listeners use TLS (default
   *   `http:`); `txnInterBroker`: how transaction coordinators reach other brokers (markers,
   *   KIP-890 verification, a programmatic transactional producer's requests and batches), without
   *   which transactions stay on the broker asked
   */
  constructor(local: LocalBroker, options: { httpProtocol?: string; txnInterBroker?: TxnInterBroker } = {}) {
    this.#local = local;
    this.#httpProtocol = options.httpProtocol ?? "http:";
    this.#txnInterBroker = options.txnInterBroker ?? null;
    // Once attached, ids come from the cluster (see attach); before, the local allocator's.
    if (local.allocateProducerId) this.allocateProducerId = () => (this.#node ? this.#node.producerIds.allocate() : local.allocateProducerId!());
    if (local.endOffsetForEpoch) this.endOffsetForEpoch = (t, p, e, c) => local.endOffsetForEpoch!(t, p, e, c);
    this.limits = local.limits;
    this.clock = local.clock;
  }

  /** Connects the facade to its started cluster node; until then topic calls are refused as retriable. */
  attach(node: ClusterNode): void {
    this.#node = node;
    Object.assign(this.view, { clusterId: node.view.clusterId, brokerId: node.brokerId });
    this.#local.useClusterRouting?.({
      allocateProducerId: () => node.producerIds.allocate(),
      topicConfig: (topic) => this.topicConfig(topic),
      appendElsewhere: (topic, partition, block, batch, request) => this.#appendElsewhere(node, topic, partition, block, batch, request),
      registryGeneration: () => {
        const state = node.view.partition(REQUEST_PRODUCERS_TOPIC, 0);
        return state && state.leader === node.brokerId ? state.leader_epoch : -1;
      },
    });
    const groups = this.#local.groups as BrokerApi["groups"] & Partial<ClusterableGroups>;
    if (groups.useCluster && groups.becomeLeader && groups.resign) this.#followGroups(node, groups as ClusterableGroups);
    const local = this.#local as LocalBroker & Partial<ClusterableTransactions>;
    if (this.#txnInterBroker && local.useTransactionCluster && local.transactions) this.#followTransactions(node, local as LocalBroker & ClusterableTransactions, this.#txnInterBroker);
  }

  /**
   * Consumer groups in the cluster (Kafka's GroupMetadataManager over the replicated
   * `__consumer_offsets`): this broker coordinates the groups while it leads partition 0, from
   * the moment its reconciler applied the leader role at the metadata's leader epoch (the
   * coordinator then loads the partition's committed offsets afresh) until the metadata names
   * another leader (it drops them and answers `not_coordinator`).
   */
  #followGroups(node: ClusterNode, groups: ClusterableGroups): void {
    groups.useCluster();
    const lead = async (epoch: number): Promise<void> => {
      const reconciler = node.reconciler;
      await reconciler.settledFor(OFFSETS_TOPIC, 0);
      const applied = reconciler.applied(OFFSETS_TOPIC, 0);
      const state = node.cache.partition(OFFSETS_TOPIC, 0);
      if (applied?.role === "leader" && applied.epoch === epoch && state?.leader === node.brokerId && state.leader_epoch === epoch) groups.becomeLeader(epoch);
    };
    const sync = (): void => {
      const state = node.cache.partition(OFFSETS_TOPIC, 0);
      if (state?.leader === node.brokerId) void lead(state.leader_epoch).catch(() => {});
      else groups.resign();
    };
    // after the reconciler's own listener has taken the change (it runs in the same emission)
    this.#offGroups = node.cache.onChange(() => queueMicrotask(sync));
    sync();
  }

  /**
   * Transactions in the cluster (Kafka's TransactionStateManager over the replicated
   * `__transaction_state`): this broker coordinates the transactional ids of the partitions it
   * leads, each from the moment its reconciler applied the leader role (coordinator epoch = the
   * partition's leader epoch) until the metadata names another leader; markers go to each
   * partition's leader, here or over `channel`; a transactional batch for a partition here whose
   * id another broker coordinates is verified there (KIP-890); the local broker's programmatic
   * transactional producers send each request to the broker holding its part (cluster-transaction-client.ts).
   */
  #followTransactions(node: ClusterNode, local: LocalBroker & ClusterableTransactions, channel: TxnInterBroker): void {
    const coordinators = local.transactions;
    const endpointOf = (brokerId: number) => {
      const broker = node.view.brokers().find((b) => b.id === brokerId && b.kafka_port !== null);
      return broker ? { host: broker.host, port: broker.kafka_port! } : null;
    };
    const leaderOf = (topic: string, partition: number) => node.cache.partition(topic, partition)?.leader ?? -1;
    const writeTxnMarkers = async (markers: TxnMarker[]): Promise<void> => {
      const byLeader = new Map<number, TxnMarker[]>();
      for (const marker of markers) {
        const leader = leaderOf(marker.topic, marker.partition);
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), marker]);
      }
      await Promise.all([...byLeader].map(async ([leader, list]) => {
        if (leader === node.brokerId) return this.writeTxnMarkers(list);
        const endpoint = leader < 0 ? null : endpointOf(leader);
        if (!endpoint) throw new RivuletError("partition_unavailable", `${list[0].topic}/${list[0].partition} has no live leader to take its transaction marker yet`, { topic: list[0].topic, partition: list[0].partition });
        const answers = await channel.writeTxnMarkers(endpoint, list);
        const failed = answers.findIndex((code) => code !== null);
        if (failed >= 0) {
          const { topic, partition } = list[failed];
          throw new RivuletError(answers[failed]!, `broker ${leader} did not write the transaction marker of ${topic}/${partition} (${answers[failed]})`, { topic, partition, leader });
        }
      }));
    };
    const remoteProduceCheck = async (request: TransactionalRequest, topic: string, partition: number): Promise<void> => {
      const partitions = node.cache.topic(TRANSACTION_STATE_TOPIC)?.replicas.length ?? 0;
      const coordinator = partitions > 0 ? leaderOf(TRANSACTION_STATE_TOPIC, transactionPartitionFor(request.transactionalId, partitions)) : -1;
      const endpoint = coordinator >= 0 && coordinator !== node.brokerId ? endpointOf(coordinator) : null;
      let code: string | null;
      try {
        code = endpoint
          ? await channel.verify(endpoint, { transactionalId: request.transactionalId, producerId: request.producerId, producerEpoch: request.producerEpoch, topic, partition })
          : "not_coordinator";
      } catch {
        code = "partition_unavailable";
      }
      if (code === null) return;
      if (retriableVerification.has(code)) {
        throw new RivuletError("not_enough_replicas", `the transaction coordinator of "${request.transactionalId}" could not verify this batch yet (${code}): retry`, { topic, partition });
      }
      throw new RivuletError(code as "invalid_txn_state", `the transaction coordinator of "${request.transactionalId}" refused this batch for ${topic}/${partition} (${code})`, { transactionalId: request.transactionalId, topic, partition });
    };
    const coordinatorEndpoint = (transactionalId: string) => {
      const partitions = node.cache.topic(TRANSACTION_STATE_TOPIC)?.replicas.length ?? 0;
      const leader = partitions > 0 ? leaderOf(TRANSACTION_STATE_TOPIC, transactionPartitionFor(transactionalId, partitions)) : -1;
      return leader >= 0 && leader !== node.brokerId ? endpointOf(leader) : null;
    };
    const offsets = {
      coordinatesGroups: () => leaderOf(OFFSETS_TOPIC, 0) === node.brokerId,
      forward: async (request: TransactionalRequest, groupId: string, entries: OffsetCommitEntry[]): Promise<void> => {
        const endpoint = coordinatorEndpoint(request.transactionalId);
        if (!endpoint) throw new RivuletError("not_coordinator", `transactional id "${request.transactionalId}" has no live coordinator yet: retry`, { transactionalId: request.transactionalId });
        const code = await channel.txnOffsetCommit(endpoint, request, groupId, entries).catch(() => "not_coordinator" as const);
        if (code !== null) throw new RivuletError(code, `the transaction coordinator of "${request.transactionalId}" refused the offsets of group "${groupId}" (${code})`, { transactionalId: request.transactionalId });
      },
      commitElsewhere: async (txn: { producerId: number; producerEpoch: number; coordinatorEpoch: number }): Promise<boolean> => {
        if (leaderOf(OFFSETS_TOPIC, 0) === node.brokerId) return false;
        await writeTxnMarkers([{ topic: OFFSETS_TOPIC, partition: 0, ...txn, commit: true }]);
        return true;
      },
      abortElsewhere: async (txn: { producerId: number; producerEpoch: number; coordinatorEpoch: number }): Promise<void> => {
        if (leaderOf(OFFSETS_TOPIC, 0) === node.brokerId) return void (await local.transactions.completeGroupOffsets(txn.producerId, txn.producerEpoch, false));
        await writeTxnMarkers([{ topic: OFFSETS_TOPIC, partition: 0, ...txn, commit: false }]);
      },
    };
    void local.useTransactionCluster({
      writeTxnMarkers,
      partitions: () => node.cache.topic(TRANSACTION_STATE_TOPIC)?.replicas.length,
      partitionsOf: (topic) => node.cache.topic(topic)?.replicas.length,
      remoteProduceCheck,
      offsets,
      client: clusterTransactionClient({
        node,
        channel,
        coordinators,
        topicConfig: (topic) => this.topicConfig(topic),
        appendHere: (topic, partition, batch) => this.appendBatch(topic, partition, batch, { acks: "all" }),
      }),
    });
    const lead = async (partition: number, epoch: number): Promise<void> => {
      const reconciler = node.reconciler;
      await reconciler.settledFor(TRANSACTION_STATE_TOPIC, partition);
      const applied = reconciler.applied(TRANSACTION_STATE_TOPIC, partition);
      const state = node.cache.partition(TRANSACTION_STATE_TOPIC, partition);
      if (applied?.role === "leader" && applied.epoch === epoch && state?.leader === node.brokerId && state.leader_epoch === epoch) coordinators.becomeLeader(partition, epoch);
    };
    const sync = (): void => {
      const count = node.cache.topic(TRANSACTION_STATE_TOPIC)?.replicas.length ?? 0;
      for (let p = 0; p < count; p++) {
        const state = node.cache.partition(TRANSACTION_STATE_TOPIC, p);
        if (state?.leader === node.brokerId) void lead(p, state.leader_epoch).catch(() => {});
        else void coordinators.resign(p);
      }
      for (const { partition } of coordinators.owned()) if (partition >= count) void coordinators.resign(partition);
    };
    // after the reconciler's own listener has taken the change (it runs in the same emission)
    this.#offTransactions = node.cache.onChange(() => queueMicrotask(sync));
    sync();
  }

  /**
   * An idempotent request producer's batch for a partition another broker leads: encoded as the
   * Kafka batch it is (producer id, epoch, base sequence) and appended there through
   * `POST /v1/topics/{t}/partitions/{p}/batches`, as the request's client.
   */
  #appendElsewhere(node: ClusterNode, topic: string, partition: number, block: RecordBlock, batch: BlockBatchOptions, request?: ProducerRequest): Promise<AppendBatchResult> | null {
    const leader = node.view.partition(topic, partition)?.leader ?? -1;
    if (leader < 0 || leader === node.brokerId) return null;
    const broker = node.view.brokers().find((b) => b.id === leader);
    if (!broker) return Promise.reject(new RivuletError("not_leader", `broker ${leader}, the leader of ${topic}/${partition}, is not registered`, { topic, partition }));
    const body = encodeRecordBlock(block, batch);
    return callBroker(broker, {
      protocol: this.#httpProtocol,
      from: node.brokerId,
      method: "POST",
      path: `/v1/topics/${encodeURIComponent(topic)}/partitions/${partition}/batches`,
      contentType: "application/octet-stream",
      accept: "application/json",
      body,
      authorization: request?.authorization,
      timeoutMs: node.limits.clusterForwardTimeoutMs,
    }).then((answer) => appendAnswer(answer));
  }

  /** The cluster as the front ends see it (empty until attached). */
  readonly view: ClusterView = {
    clusterId: "",
    brokerId: -1,
    clustered: true,
    controllerId: () => this.#node?.view.controllerId() ?? -1,
    brokers: () => this.#node?.view.brokers() ?? [],
    partition: (topic, partition) => this.#node?.view.partition(topic, partition),
    admin: new ClusterAdmin(() => this.node),
    partitions: () => this.#node?.view.partitions?.() ?? [],
  };

  get node(): ClusterNode {
    if (!this.#node) throw new RivuletError("coordination_unavailable", "this broker is still joining its cluster");
    return this.#node;
  }

  async createTopic(name: string, options: CreateTopicOptions = {}): Promise<TopicDescription> {
    const request: Extract<TopicRequest, { op: "create" }> = {
      op: "create",
      name,
      partitions: options.partitions ?? 1,
      config: options.config ?? {},
      replication_factor: options.replicationFactor ?? null,
      internal: options.internal ?? false,
    };
    await this.#change(request);
    return this.describeTopic(name);
  }

  async deleteTopic(name: string, options: { internal?: boolean } = {}): Promise<void> {
    await this.#change({ op: "delete", name, internal: options.internal ?? false });
  }

  async createPartitions(name: string, _count: number): Promise<TopicDescription> {
    this.#topic(name);
    throw new RivuletError("invalid_request", `adding partitions to a topic is not supported in a cluster yet (topic ${name})`, { topic: name });
  }

  async listTopics(options: { internal?: boolean } = {}): Promise<string[]> {
    return this.node.cache.topics().map((t) => t.name).filter((n) => options.internal || !n.startsWith("__"));
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    await this.awaitTopic(name);
    const record = this.#topic(name);
    let local: TopicDescription | null = null;
    try {
      local = await this.#local.describeTopic(name);
    } catch (error) {
      if (!isRivuletError(error, "unknown_topic")) throw error;
    }
    const view = this.node.view;
    return {
      name,
      config: local?.config ?? parseTopicConfig(localTopicConfig(record.config)),
      partitions: record.replicas.map((replicas, partition) => {
        const here = local?.partitions[partition];
        const state = view.partition(name, partition);
        return {
          partition,
          startOffset: here?.startOffset ?? 0,
          endOffset: here?.endOffset ?? 0,
          worker: here?.worker ?? -1,
          status: here?.status ?? "online",
          sizeBytes: here?.sizeBytes ?? 0,
          leader: state?.leader ?? -1,
          replicas: [...replicas],
          isr: state ? state.isr : [],
          leaderEpoch: state?.leader_epoch ?? 0,
          ...movingReplicas(record, partition),
        };
      }),
    };
  }

  topicConfig(topic: string): ReturnType<BrokerApi["topicConfig"]> {
    try {
      return this.#local.topicConfig(topic);
    } catch (error) {
      if (!isRivuletError(error, "unknown_topic")) throw error;
      const record = this.#topic(topic);
      return { partitions: record.replicas.length, config: parseTopicConfig(localTopicConfig(record.config)) };
    }
  }

  /**
   * Produces through the local replica. When this broker leads some but not all of the topic's
   * partitions, records without a key or partition go to one partition it leads (sticky for the
   * call, the next one for the next call): Kafka's partitioner may put unkeyed records on any
   * available partition, and this keeps a produce sent to any broker local. Keyed records keep
   * the key's partition (refused by the data plane when another broker leads it).
   */
  produce(topic: string, records: ProducerRecord[], options?: ProduceOptions): Promise<RecordMetadata[]> {
    try {
      this.#refuseLedElsewhere(topic, records);
      const pending = this.#assigned(topic);
      if (pending) {
        return pending.then(() => {
          // a topic just learnt of (read through to etcd) is checked as one known from the start
          this.#refuseLedElsewhere(topic, records);
          return this.#produce(topic, records, options);
        });
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#produce(topic, records, options);
  }

  #produce(topic: string, records: ProducerRecord[], options?: ProduceOptions): Promise<RecordMetadata[]> {
    const mine = this.#ledPartitions(topic);
    if (mine !== null && records.some((r) => r.partition === undefined && (r.key === undefined || r.key === null))) {
      const partition = mine[this.#sticky++ % mine.length];
      records = records.map((r) => (r.partition === undefined && (r.key === undefined || r.key === null) ? { ...r, partition } : r));
    }
    return this.#local.produce(topic, records, options);
  }

  /** The partitions of `topic` this broker leads, or null when it leads none or all of them. */
  #ledPartitions(topic: string): number[] | null {
    const node = this.#node;
    const record = node?.cache.topic(topic);
    if (!node || !record) return null;
    const mine: number[] = [];
    for (let p = 0; p < record.replicas.length; p++) if (node.cache.partition(topic, p)?.leader === node.brokerId) mine.push(p);
    return mine.length === 0 || mine.length === record.replicas.length ? null : mine;
  }

  initProducer(options?: { owner?: string | null; producerId?: number }): Promise<{ producerId: number; producerEpoch: number }> {
    return this.#local.initProducer(options);
  }

  appendBatch(topic: string, partition: number, batches: Uint8Array, options?: { acks?: Acks }): Promise<AppendBatchResult> {
    try {
      const pending = this.#assigned(topic, partition);
      if (pending) return pending.then(() => this.#local.appendBatch(topic, partition, batches, options));
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#local.appendBatch(topic, partition, batches, options);
  }

  /** Writes markers at the local replicas, once this broker has taken its role for each partition (a follower's refuse with `not_leader`). */
  async writeTxnMarkers(markers: TxnMarker[]): Promise<void> {
    for (const { topic, partition } of markers) await this.#assigned(topic, partition);
    return this.#local.writeTxnMarkers(markers);
  }

  /** The local broker's transaction coordinators, for the Kafka listener (in a cluster, those of the `__transaction_state` partitions this broker leads). */
  get transactions(): TransactionCoordinatorApi | undefined {
    return (this.#local as BrokerApi & LocalExtras).transactions;
  }

  fetch(topic: string, partition: number, options: FetchOptions): Promise<FetchResult> {
    try {
      const pending = this.#assigned(topic, partition);
      if (pending) return pending.then(() => this.#local.fetch(topic, partition, options));
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#local.fetch(topic, partition, options);
  }

  fetchBatches(topic: string, partition: number, options: FetchOptions): Promise<FetchBatchesResult> {
    try {
      const pending = this.#assigned(topic, partition);
      if (pending) return pending.then(() => this.#local.fetchBatches(topic, partition, options));
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#local.fetchBatches(topic, partition, options);
  }

  listOffset(topic: string, partition: number, spec: OffsetSpec, options?: { isolation?: Isolation }): Promise<number> {
    try {
      const pending = this.#assigned(topic, partition);
      if (pending) return pending.then(() => this.#local.listOffset(topic, partition, spec, options));
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#local.listOffset(topic, partition, spec, options);
  }

  get groups(): GroupCoordinatorApi {
    return this.#local.groups;
  }

  workers(): WorkerStatus[] {
    return this.#local.workers();
  }

  get stats(): BrokerApi["stats"] {
    return this.#local.stats;
  }

  health(): BrokerHealth {
    return this.#local.health();
  }

  /** Closes the local broker (the cluster node is closed by its owner first). */
  close(): Promise<void> {
    this.#offTransactions?.();
    this.#offGroups?.();
    this.#txnInterBroker?.close();
    return this.#local.close();
  }

  /**
   * Holds back records of a partition (every partition of `topic` when `partition` is not
   * given) until this broker has been told its role for it: until the reconciler has applied the
   * cluster's word, a replica opened from disk is a lone partition that would take writes and
   * acknowledge them on its own — a broker restarted after kill -9, whose Kafka and HTTP
   * listeners are up while it waits for its old lease to lapse, would so acknowledge records
   * that the elected leader's log never gets (its truncation by OffsetsForLeaderEpoch then
   * removes them). Topics the cluster does not know are the local broker's to answer.
   *
   * @returns null when the call may go on now, else a promise that settles once the role the
   *   metadata gives is applied (a topic just created, a leader just elected)
   * @throws {RivuletError} `not_leader` (retriable: a Kafka client refreshes its metadata and
   *   goes to the leader) while the broker is still joining its cluster, or when no role was applied
   */
  #assigned(topic: string, partition?: number): Promise<void> | null {
    const node = this.#node;
    if (!node) throw new RivuletError("not_leader", `this broker is still joining its cluster; it serves no partition of ${topic} yet`, { topic, partition });
    const record = node.cache.topic(topic);
    if (!record) {
      if (this.#knownLocally(topic)) return null;
      // not in this broker's metadata yet, perhaps created through another broker a moment ago
      return this.awaitTopic(topic).then(() => (node.cache.topic(topic) ? this.#assigned(topic, partition) ?? undefined : undefined));
    }
    const reconciler = node.reconciler;
    const partitions = partition === undefined ? record.replicas.map((_, p) => p) : [partition];
    const missing = partitions.filter((p) => p >= 0 && p < record.replicas.length && !reconciler.applied(topic, p));
    if (missing.length === 0) return null;
    return (async () => {
      for (const p of missing) {
        await reconciler.settledFor(topic, p);
        if (!reconciler.applied(topic, p)) {
          throw new RivuletError("not_leader", `this broker has not taken its role for ${topic}/${p} yet; ask the partition's leader`, { topic, partition: p });
        }
      }
    })();
  }

  /**
   * Refuses records naming a partition that another broker leads (or none does), at once: the
   * local producer would retry `not_leader` until its delivery timeout and might write the
   * records long after the client gave up. A client sends them to the partition's leader.
   *
   * @throws {RivuletError} `not_leader`
   */
  #refuseLedElsewhere(topic: string, records: ProducerRecord[]): void {
    const node = this.#node;
    if (!node?.cache.topic(topic)) return;
    for (const record of records) {
      if (record.partition === undefined) continue;
      const leader = node.cache.partition(topic, record.partition)?.leader;
      if (leader !== undefined && leader !== node.brokerId) {
        throw new RivuletError("not_leader", `broker ${leader < 0 ? "none" : leader} leads ${topic}/${record.partition}, not this one (${node.brokerId})`, { topic, partition: record.partition, leader });
      }
    }
  }

  /**
   * Read-through for a topic this broker's metadata copy does not show: a topic created through
   * another broker reaches this one's cache a watch event later, and a client that created it
   * there must be able to use it here at once. Reads the topic's key from etcd; when it is
   * there, waits (at most `clusterMetadataCatchUpMs`) until the cache has reached the key's
   * revision. Resolves at once when the cache knows the topic, and after the read when etcd does
   * not have it either (the caller then answers `unknown_topic`, now a fact).
   *
   * @throws {RivuletError} `coordination_unavailable` (retriable) when etcd cannot be read, or
   *   the cache did not catch up in time
   */
  async awaitTopic(name: string): Promise<void> {
    const node = this.#node;
    if (!node || node.cache.topic(name)) return;
    let key: string;
    try {
      key = node.cache.keys.topic(name);
    } catch {
      return; // not a valid topic name: no such topic
    }
    const found = await node.etcd.range({ key, keysOnly: true });
    const kv = found.kvs[0];
    if (!kv) return;
    const limitMs = node.limits.clusterMetadataCatchUpMs;
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), limitMs);
    try {
      await node.cache.waitForRevision(kv.modRevision, stop.signal);
    } catch {
      throw new RivuletError("coordination_unavailable", `topic ${name} exists, but this broker's metadata did not reach etcd revision ${kv.modRevision} within ${limitMs} ms: retry`, { topic: name, revision: kv.modRevision });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Whether the local broker has `topic` (a topic of its own, outside the cluster's metadata). */
  #knownLocally(topic: string): boolean {
    try {
      this.#local.topicConfig(topic);
      return true;
    } catch {
      return false;
    }
  }

  #topic(name: string) {
    const record = this.node.cache.topic(name);
    if (!record) throw new RivuletError("unknown_topic", `topic ${name} does not exist`, { topic: name });
    return record;
  }

  /**
   * Has the controller make a topic change, then waits until this broker has applied it.
   *
   * When etcd cannot be reached (or this broker's lease ends) before the answer comes, whether
   * the change was made is unknown: the broker waits until it reaches etcd again (registering
   * anew if it was fenced), reads the metadata as of then, and counts the change as done if it
   * is there (made by this request, or by another one), else sends it again — at most
   * {@link changeAttempts} times. A retry refused with `topic_exists` (create) or
   * `unknown_topic` (delete) after an unknown outcome is the first try's success.
   */
  async #change(request: Extract<TopicRequest, { op: "create" | "delete" }>): Promise<void> {
    let unknown = false;
    for (let attempt = 1; ; attempt++) {
      const node = this.node;
      try {
        let revision: number | null = null;
        if (node.election.isController) {
          try {
            revision = request.op === "create" ? await node.controller.createTopic(request) : await node.controller.deleteTopic(request);
          } catch (error) {
            if (!isRivuletError(error, "not_controller")) throw error;
          }
        }
        revision ??= (await node.requester.submit(request)).revision;
        await node.caughtUp(revision);
        return;
      } catch (error) {
        if (unknown && isRivuletError(error, request.op === "create" ? "topic_exists" : "unknown_topic")) return await node.barrier();
        if (!isRivuletError(error, "coordination_unavailable") || attempt >= changeAttempts) throw error;
        unknown = true;
        await this.#reachEtcd(node);
        if ((node.cache.topic(request.name) !== undefined) === (request.op === "create")) return;
      }
    }
  }

  /**
   * Waits until this broker reaches etcd again as a registered member and its metadata is
   * current.
   *
   * @throws {RivuletError} `coordination_unavailable` after `clusterTopicRequestTimeoutMs`
   */
  async #reachEtcd(node: ClusterNode): Promise<void> {
    const deadline = Date.now() + node.limits.clusterTopicRequestTimeoutMs;
    let backoff = node.limits.etcdRetryBackoffMinMs;
    for (;;) {
      await node.rejoined();
      try {
        return await node.barrier();
      } catch (error) {
        if (Date.now() >= deadline) throw new RivuletError("coordination_unavailable", `broker ${node.brokerId} could not reach etcd again within ${node.limits.clusterTopicRequestTimeoutMs} ms`, { cause: String(error) });
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, node.limits.etcdRetryBackoffMaxMs);
      }
    }
  }
}

/** A moving partition's brokers joining and leaving (nothing when it is not moving). */
function movingReplicas(record: Parameters<typeof moveOf>[0], partition: number): { addingReplicas?: number[]; removingReplicas?: number[] } {
  const move = moveOf(record, partition);
  return move ? { addingReplicas: [...move.adding], removingReplicas: [...move.removing] } : {};
}
