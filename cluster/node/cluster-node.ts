/**
 * One broker's membership in a cluster, put together: its registration under a lease, its
 * campaign for controller, its metadata cache, the controller role (when elected), the
 * reconciler driving its replicas, and the {@link ClusterView} the front ends read.
 * `server/serve.ts` starts one when given `--etcd`.
 */
import { RivuletError } from "../../core/errors.ts";
import { defaultLimits, type Limits } from "../../core/limits.ts";
import { EtcdClient } from "../etcd/etcd-client.ts";
import { BrokerRegistration } from "../membership/broker-registration.ts";
import { ControllerElection } from "../membership/controller-election.ts";
import { MetadataCache } from "../membership/metadata-cache.ts";
import type { BrokerInfo } from "../membership/metadata-records.ts";
import { Controller, type ControllerEvent, type InternalTopic } from "../controller/controller.ts";
import { TopicRequester } from "../controller/topic-requests.ts";
import { alterIsr } from "../reconciler/alter-isr.ts";
import type { ReplicaManager, ReplicationEnv } from "../reconciler/replica-manager-api.ts";
import { type LocalTopics, type ReconcilerEvent, ReplicaReconciler } from "../reconciler/replica-reconciler.ts";
import type { ClusterBroker, ClusterView, PartitionLeadership } from "./cluster-view.ts";

/** How to join a cluster. */
export interface ClusterNodeOptions {
  /** etcd client URLs. */
  etcd: string[];
  /** `--cluster-name` (default "default"). */
  cluster?: string;
  /** This broker's registration: id and where clients reach it. */
  broker: BrokerInfo;
  /** Builds this broker's replica manager once the cluster is known. */
  replicaManager: (env: ReplicationEnv) => ReplicaManager;
  /** The local broker's topics (opened and deleted as the controller says). */
  localTopics: LocalTopics;
  /** The `__` topics the controller creates cluster-wide when missing. */
  internalTopics?: () => Promise<InternalTopic[]>;
  /** SASL credentials for follower fetches when auth is on. */
  credentials?: ReplicationEnv["credentials"];
  limits?: Partial<Limits>;
  /** Hears the controller's changes and the reconciler's calls (logs, tests). */
  onControllerEvent?: (event: ControllerEvent) => void;
  onReconcilerEvent?: (event: ReconcilerEvent) => void;
  /** Called once if the broker is fenced (its lease lapsed). */
  onFenced?: (reason: { message: string }) => void;
}

/**
 * A broker in a cluster.
 *
 * @example
 * ```ts
 * const node = await ClusterNode.start({ etcd: ["http://127.0.0.1:2379"], broker: { id: 1, host: "127.0.0.1", port: 8081, kafka_port: 9093 }, replicaManager, localTopics });
 * node.view.brokers();
 * await node.close();
 * ```
 */
export class ClusterNode {
  readonly etcd: EtcdClient;
  readonly registration: BrokerRegistration;
  readonly cache: MetadataCache;
  readonly election: ControllerElection;
  readonly controller: Controller;
  readonly requester: TopicRequester;
  readonly replicas: ReplicaManager;
  readonly reconciler: ReplicaReconciler;
  readonly view: ClusterView;
  readonly limits: Limits;
  #closing: Promise<void> | null = null;

  private constructor(parts: {
    etcd: EtcdClient; registration: BrokerRegistration; cache: MetadataCache; election: ControllerElection; controller: Controller;
    requester: TopicRequester; replicas: ReplicaManager; reconciler: ReplicaReconciler; limits: Limits;
  }) {
    this.etcd = parts.etcd;
    this.registration = parts.registration;
    this.cache = parts.cache;
    this.election = parts.election;
    this.controller = parts.controller;
    this.requester = parts.requester;
    this.replicas = parts.replicas;
    this.reconciler = parts.reconciler;
    this.limits = parts.limits;
    this.view = cacheView(parts.cache, parts.registration.brokerId);
  }

  /**
   * Registers the broker, loads the metadata, starts the campaign, the controller role and the
   * reconciler.
   *
   * @throws {RivuletError} `conflict` (the id is held by a live broker), `coordination_unavailable` / `timeout` (etcd)
   */
  static async start(options: ClusterNodeOptions): Promise<ClusterNode> {
    const limits = { ...defaultLimits, ...options.limits };
    const etcd = new EtcdClient({ endpoints: options.etcd, limits: options.limits });
    const registration = await BrokerRegistration.register(etcd, {
      cluster: options.cluster,
      broker: options.broker,
      limits,
      // A broker restarted within its old lease's TTL waits for it to run out.
      waitForIdMs: limits.brokerLeaseTtlMs * 2,
    });
    const cache = new MetadataCache(etcd, { cluster: options.cluster, limits });
    try {
      await cache.start();
    } catch (error) {
      await registration.close().catch(() => {});
      throw error;
    }
    const election = new ControllerElection(registration, { backoffMinMs: limits.etcdRetryBackoffMinMs, backoffMaxMs: limits.etcdRetryBackoffMaxMs });
    const controller = new Controller(registration, election, cache, { internalTopics: options.internalTopics, limits, onEvent: options.onControllerEvent });
    const env: ReplicationEnv = {
      brokerId: registration.brokerId,
      endpoint: (id) => {
        const broker = cache.broker(id);
        return broker ? { host: broker.host, port: broker.kafka_port } : undefined;
      },
      alterIsr: (topic, partition, request) => alterIsr(registration, topic, partition, request),
      credentials: options.credentials,
    };
    const replicas = options.replicaManager(env);
    const reconciler = new ReplicaReconciler(registration, cache, replicas, options.localTopics, options.onReconcilerEvent);
    if (options.onFenced) registration.onFenced((reason) => options.onFenced!(reason));
    controller.start();
    election.start();
    reconciler.start();
    return new ClusterNode({ etcd, registration, cache, election, controller, requester: new TopicRequester(registration, limits), replicas, reconciler, limits });
  }

  get brokerId(): number {
    return this.registration.brokerId;
  }

  /** Leaves the cluster: stops the reconciler, resigns as controller, revokes the lease. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.reconciler.close();
      await this.controller.close();
      await this.election.close();
      await this.replicas.close();
      await this.cache.close();
      await this.registration.close().catch(() => {});
    })();
    return this.#closing;
  }

  /**
   * Waits until this broker's metadata shows `revision` and the reconciler has applied it.
   *
   * @throws {RivuletError} `timeout` after `clusterTopicRequestTimeoutMs`
   */
  async caughtUp(revision: number): Promise<void> {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), this.limits.clusterTopicRequestTimeoutMs);
    try {
      await this.cache.waitForRevision(revision, stop.signal);
    } catch {
      throw new RivuletError("timeout", `this broker's metadata did not reach etcd revision ${revision} within ${this.limits.clusterTopicRequestTimeoutMs} ms`, { revision });
    } finally {
      clearTimeout(timer);
    }
    await this.reconciler.settled();
  }
}

/** The front ends' view, read from the cache at each call. */
function cacheView(cache: MetadataCache, brokerId: number): ClusterView {
  return {
    clusterId: cache.keys.cluster,
    brokerId,
    clustered: true,
    controllerId: () => cache.controller()?.broker_id ?? -1,
    brokers: () => cache.brokers().map((b): ClusterBroker => ({ id: b.id, host: b.host, port: b.port, kafka_port: b.kafka_port, status: "online" })),
    partition: (topic, partition): PartitionLeadership | undefined => {
      const state = cache.partition(topic, partition);
      const replicas = cache.topic(topic)?.replicas[partition];
      if (!state || !replicas) return undefined;
      return { leader: state.leader, leader_epoch: state.leader_epoch, replicas: [...replicas], isr: [...state.isr] };
    },
  };
}
