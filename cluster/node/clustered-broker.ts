/**
 * The broker the front ends of a clustered broker speak to: the local broker for records (the
 * data plane decides whether this replica may serve them), the cluster for topics.
 *
 * - `createTopic` / `deleteTopic` go to the controller (directly when this broker is it, else
 *   through a request key, see {@link TopicRequester}), then wait until this broker's metadata
 *   shows the change and its reconciler has opened or removed the local replicas, so a
 *   describe right after answers with it (topic-change.ts).
 * - `listTopics` / `describeTopic` come from the cluster's metadata; describe adds each
 *   partition's leader, replicas, ISR and leader epoch to the local replica's offsets (a topic
 *   with no replica here shows offsets 0 and worker -1; cluster-topic-description.ts).
 * - `produce`: unkeyed records go to a partition this broker leads (see {@link ClusteredBroker.produce}).
 *   The HTTP door splits a produce by partition and sends each share to its leader itself
 *   (http/cluster-produce.ts). Record calls wait until this broker has taken its role for the
 *   partition (partition-roles.ts).
 * - Once attached, the local broker is given the cluster's routing (broker/cluster-routing.ts,
 *   built in broker-cluster-routing.ts): producer ids from the cluster's counter in etcd
 *   (ProducerIdBlocks), so no two brokers' producers share an id, and an idempotent HTTP
 *   producer's batches for partitions led elsewhere written at their leader through
 *   `POST /v1/topics/{t}/partitions/{p}/batches`. Its group and transaction coordinators follow
 *   the leaders of `__consumer_offsets` and `__transaction_state` (coordinator-leadership.ts),
 *   and its transactions reach other brokers (transaction-cluster-routing.ts).
 * - Everything else is the local broker's.
 */
import { RivuletError, isRivuletError } from "../../core/errors.ts";
import type {
  BrokerApi, BrokerHealth, CreateTopicOptions, FetchBatchesResult, FetchOptions, FetchResult, OffsetSpec, ProduceOptions, ProducerRecord,
  RecordMetadata, TopicDescription, WorkerStatus, AppendBatchResult, Acks, Isolation, TxnMarker,
} from "../../broker/types.ts";
import type { GroupCoordinatorApi } from "../../broker/group-api.ts";
import type { ClusterRouting } from "../../broker/cluster-routing.ts";
import type { TransactionCoordinatorApi } from "../../transactions/transaction-coordinator.ts";
import type { TopicRequest } from "../controller/topic-requests.ts";
import type { ClusterNode } from "./cluster-node.ts";
import type { ClusterView } from "./cluster-view.ts";
import { ClusterAdmin } from "./cluster-admin.ts";
import type { TxnInterBroker } from "./txn-inter-broker.ts";
import type { FetchLike } from "../../runtime/trusting-fetch.ts";
import { awaitTopic } from "./await-topic.ts";
import { brokerClusterRouting } from "./broker-cluster-routing.ts";
import { clusterTopicConfig, describeClusterTopic } from "./cluster-topic-description.ts";
import { followGroupLeadership, followTransactionLeadership, type ClusterableGroups } from "./coordinator-leadership.ts";
import { ledPartitions, refuseLedElsewhere, roleApplied } from "./partition-roles.ts";
import { changeTopic } from "./topic-change.ts";
import { transactionClusterRouting, type ClusterableTransactions } from "./transaction-cluster-routing.ts";

/** The local broker's transaction coordinator, when it has one (the public `Broker`). */
interface LocalExtras {
  readonly transactions?: TransactionCoordinatorApi;
}

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
  readonly #httpFetch: FetchLike | undefined;
  readonly #txnInterBroker: TxnInterBroker | null;
  #offTransactions: (() => void) | null = null;
  #offGroups: (() => void) | null = null;

  /**
   * @param local the broker whose replicas this one holds
   * @param options `httpProtocol`: `https:` when the brokers' HTTP listeners use TLS (default
   *   `http:`); `httpFetch`: what to call them with (with TLS, a fetch trusting the cluster's
   *   certificate; default the global `fetch`); `txnInterBroker`: how transaction coordinators reach other brokers (markers,
   *   KIP-890 verification, a programmatic transactional producer's requests and batches), without
   *   which transactions stay on the broker asked
   */
  constructor(local: LocalBroker, options: { httpProtocol?: string; httpFetch?: FetchLike; txnInterBroker?: TxnInterBroker } = {}) {
    this.#local = local;
    this.#httpProtocol = options.httpProtocol ?? "http:";
    this.#httpFetch = options.httpFetch;
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
    this.#local.useClusterRouting?.(brokerClusterRouting(node, { httpProtocol: this.#httpProtocol, httpFetch: this.#httpFetch, topicConfig: (topic) => this.topicConfig(topic) }));
    const groups = this.#local.groups as BrokerApi["groups"] & Partial<ClusterableGroups>;
    if (groups.useCluster && groups.becomeLeader && groups.resign) this.#offGroups = followGroupLeadership(node, groups as ClusterableGroups);
    const local = this.#local as LocalBroker & Partial<ClusterableTransactions>;
    const channel = this.#txnInterBroker;
    if (channel && local.useTransactionCluster && local.transactions) {
      const coordinators = local.transactions;
      void local.useTransactionCluster(transactionClusterRouting({
        node,
        channel,
        coordinators,
        writeHere: (markers) => this.writeTxnMarkers(markers),
        topicConfig: (topic) => this.topicConfig(topic),
        appendHere: (topic, partition, batch) => this.appendBatch(topic, partition, batch, { acks: "all" }),
      }));
      this.#offTransactions = followTransactionLeadership(node, coordinators);
    }
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
    await changeTopic(this.node, request);
    return this.describeTopic(name);
  }

  async deleteTopic(name: string, options: { internal?: boolean } = {}): Promise<void> {
    await changeTopic(this.node, { op: "delete", name, internal: options.internal ?? false });
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
    return describeClusterTopic(name, record, local, this.node.view);
  }

  topicConfig(topic: string): ReturnType<BrokerApi["topicConfig"]> {
    try {
      return this.#local.topicConfig(topic);
    } catch (error) {
      if (!isRivuletError(error, "unknown_topic")) throw error;
      const record = this.#topic(topic);
      return { partitions: record.replicas.length, config: clusterTopicConfig(record) };
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
      refuseLedElsewhere(this.#node, topic, records);
      const pending = this.#assigned(topic);
      if (pending) {
        return pending.then(() => {
          // a topic just learnt of (read through to etcd) is checked as one known from the start
          refuseLedElsewhere(this.#node, topic, records);
          return this.#produce(topic, records, options);
        });
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#produce(topic, records, options);
  }

  #produce(topic: string, records: ProducerRecord[], options?: ProduceOptions): Promise<RecordMetadata[]> {
    const mine = ledPartitions(this.#node, topic);
    if (mine !== null && records.some((r) => r.partition === undefined && (r.key === undefined || r.key === null))) {
      const partition = mine[this.#sticky++ % mine.length];
      records = records.map((r) => (r.partition === undefined && (r.key === undefined || r.key === null) ? { ...r, partition } : r));
    }
    return this.#local.produce(topic, records, options);
  }

  initProducer(options?: { owner?: string | null; producerId?: number }): Promise<{ producerId: number; producerEpoch: number }> {
    return this.#local.initProducer(options);
  }

  appendBatch(topic: string, partition: number, batches: Uint8Array, options?: { acks?: Acks }): Promise<AppendBatchResult> {
    return this.#whenAssigned(topic, partition, () => this.#local.appendBatch(topic, partition, batches, options));
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
    return this.#whenAssigned(topic, partition, () => this.#local.fetch(topic, partition, options));
  }

  fetchBatches(topic: string, partition: number, options: FetchOptions): Promise<FetchBatchesResult> {
    return this.#whenAssigned(topic, partition, () => this.#local.fetchBatches(topic, partition, options));
  }

  listOffset(topic: string, partition: number, spec: OffsetSpec, options?: { isolation?: Isolation }): Promise<number> {
    return this.#whenAssigned(topic, partition, () => this.#local.listOffset(topic, partition, spec, options));
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
   * Read-through for a topic this broker's metadata copy does not show (see await-topic.ts): a
   * topic created through another broker can be used here at once.
   *
   * @throws {RivuletError} `coordination_unavailable` (retriable) when etcd cannot be read, or
   *   the cache did not catch up in time
   */
  awaitTopic(name: string): Promise<void> {
    return awaitTopic(this.#node, name);
  }

  /**
   * Null when a call on the partition (every partition of `topic` when `partition` is not
   * given) may go on now, else a promise that settles once this broker has taken the role the
   * metadata gives it (see {@link roleApplied}).
   *
   * @throws {RivuletError} `not_leader` while the broker is still joining its cluster
   */
  #assigned(topic: string, partition?: number): Promise<void> | null {
    return roleApplied(this.#node, topic, partition, (t) => this.#knownLocally(t));
  }

  /** Runs `call` once this broker has taken its role for the partition; a refusal comes as a rejected promise. */
  #whenAssigned<T>(topic: string, partition: number, call: () => Promise<T>): Promise<T> {
    try {
      const pending = this.#assigned(topic, partition);
      if (pending) return pending.then(call);
    } catch (error) {
      return Promise.reject(error);
    }
    return call();
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
}
