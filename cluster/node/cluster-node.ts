/**
 * One broker's membership in a cluster, put together: its registration under a lease, its
 * campaign for controller, its metadata cache, the controller role (when elected), the
 * reconciler driving its replicas, and the {@link ClusterView} the front ends read; after
 * fencing, a new registration.
 * `server/serve.ts` starts one when given `--etcd`.
 */
import { pause } from "../../core/abortable.ts";
import { RivuletError } from "../../core/errors.ts";
import { defaultLimits, type Limits } from "../../core/limits.ts";
import { EtcdClient } from "../etcd/etcd-client.ts";
import { ProducerIdBlocks } from "./producer-id-blocks.ts";
import { BrokerRegistration } from "../membership/broker-registration.ts";
import { ControllerElection } from "../membership/controller-election.ts";
import { MetadataCache } from "../membership/metadata-cache.ts";
import type { BrokerInfo } from "../membership/metadata-records.ts";
import { Controller, type ControllerEvent, type InternalTopic } from "../controller/controller.ts";
import { TopicRequester, requestPrefix } from "../controller/topic-requests.ts";
import { type DeadBrokerEvent, DeadBrokerDetector } from "../controller/dead-broker-detector.ts";
import { alterIsr } from "../reconciler/alter-isr.ts";
import type { ReplicaManager, ReplicationEnv } from "../reconciler/replica-manager-api.ts";
import { type LocalTopics, type ReconcilerEvent, ReplicaReconciler } from "../reconciler/replica-reconciler.ts";
import type { ClusterBroker, ClusterView, PartitionLeadership, PartitionRef } from "./cluster-view.ts";

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
  /** Called each time the broker is fenced (its lease lapsed); it then registers anew. */
  onFenced?: (reason: { message: string }) => void;
  /** Called when the broker has registered anew after fencing, with its new broker epoch. */
  onRejoined?: (brokerEpoch: number) => void;
  /** Hears this broker revoke the lease of another broker it found dead (see {@link DeadBrokerDetector}). */
  onDeadBroker?: (event: DeadBrokerEvent) => void;
}

/** The parts bound to one registration (one broker epoch); rebuilt when the broker rejoins. */
interface Membership {
  registration: BrokerRegistration;
  election: ControllerElection;
  controller: Controller;
  requester: TopicRequester;
  reconciler: ReplicaReconciler;
  deadBrokers: DeadBrokerDetector;
}

/**
 * A broker in a cluster. When its lease lapses it is fenced (stops leading, stops acting as
 * controller, see {@link ReplicaReconciler} and {@link ControllerElection}) and then registers
 * anew, with a new broker epoch, as soon as etcd lets it (a broker cut from etcd for a moment
 * comes back as a new member, as a Kafka broker whose session expired re-registers).
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
  readonly cache: MetadataCache;
  readonly replicas: ReplicaManager;
  readonly view: ClusterView;
  readonly limits: Limits;
  /** Producer ids unique in the cluster (Kafka InitProducerId, HTTP producers, internal producers). */
  readonly producerIds: ProducerIdBlocks;
  readonly #options: ClusterNodeOptions;
  readonly #stop = new AbortController();
  #member!: Membership;
  #rejoining: Promise<void> | null = null;
  #leaderElections = 0;
  #closing: Promise<void> | null = null;

  private constructor(options: ClusterNodeOptions, etcd: EtcdClient, cache: MetadataCache, limits: Limits, registration: BrokerRegistration) {
    this.#options = options;
    this.etcd = etcd;
    this.cache = cache;
    this.limits = limits;
    this.view = cacheView(cache, registration.brokerId);
    this.producerIds = new ProducerIdBlocks(etcd, cache.keys.producerIds, limits.clusterProducerIdBlockSize);
    const env: ReplicationEnv = {
      brokerId: registration.brokerId,
      endpoint: (id) => {
        const broker = cache.broker(id);
        return broker ? { host: broker.host, port: broker.kafka_port } : undefined;
      },
      // Always the current registration: a leader's ISR change after a rejoin carries the new broker epoch.
      alterIsr: (topic, partition, request) => alterIsr(this.#member.registration, topic, partition, request),
      credentials: options.credentials,
    };
    this.replicas = options.replicaManager(env);
    this.#assemble(registration);
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
    const registration = await register(etcd, options, limits);
    const cache = new MetadataCache(etcd, { cluster: options.cluster, limits });
    try {
      await cache.start();
    } catch (error) {
      await registration.close().catch(() => {});
      throw error;
    }
    return new ClusterNode(options, etcd, cache, limits, registration);
  }

  get brokerId(): number {
    return this.#member.registration.brokerId;
  }

  /** The current registration (a new one after each rejoin). */
  get registration(): BrokerRegistration {
    return this.#member.registration;
  }

  get election(): ControllerElection {
    return this.#member.election;
  }

  get controller(): Controller {
    return this.#member.controller;
  }

  get requester(): TopicRequester {
    return this.#member.requester;
  }

  get reconciler(): ReplicaReconciler {
    return this.#member.reconciler;
  }

  /**
   * Leader elections the controller made while on this broker (a partition given a leader: after
   * its leader died, an unclean one, or the preferred leader back), as Kafka's controller counts them.
   */
  get leaderElections(): number {
    return this.#leaderElections;
  }

  /** Resolves once the broker, fenced, has registered again (at once if it is not fenced). */
  async rejoined(): Promise<void> {
    while (this.#rejoining) await this.#rejoining;
  }

  /** Leaves the cluster: stops the reconciler, resigns as controller, revokes the lease. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#stop.abort();
      await this.#rejoining;
      await this.#dismantle(this.#member);
      await this.replicas.close();
      await this.cache.close();
      await this.#member.registration.close().catch(() => {});
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

  /**
   * Waits until this broker's metadata and reconciler reflect everything etcd holds now: writes
   * a key under the cluster prefix (bound to its lease, of a kind the cache ignores), waits for
   * its revision, removes it.
   */
  async barrier(): Promise<void> {
    const registration = this.#member.registration;
    const key = `${requestPrefix(this.cache.keys.prefix)}barrier-${registration.brokerId}`;
    const put = await this.etcd.put({ key, value: "{}", lease: registration.leaseId });
    try {
      await this.caughtUp(put.header.revision);
    } finally {
      await this.etcd.deleteRange({ key }).catch(() => {});
    }
  }

  /** Builds and starts the parts bound to `registration`. */
  #assemble(registration: BrokerRegistration): void {
    const options = this.#options;
    const limits = this.limits;
    const election = new ControllerElection(registration, { backoffMinMs: limits.etcdRetryBackoffMinMs, backoffMaxMs: limits.etcdRetryBackoffMaxMs });
    const onEvent = (event: ControllerEvent) => {
      if (event.type === "leader" && event.kind !== "isr" && event.state.leader >= 0) this.#leaderElections++;
      options.onControllerEvent?.(event);
    };
    const controller = new Controller(registration, election, this.cache, { internalTopics: options.internalTopics, limits, onEvent });
    const reconciler = new ReplicaReconciler(registration, this.cache, this.replicas, options.localTopics, options.onReconcilerEvent);
    // A broker killed outright is fenced as soon as its death is certain, not after its lease TTL.
    const deadBrokers = new DeadBrokerDetector(registration, this.cache, { limits, onEvent: options.onDeadBroker });
    this.#member = { registration, election, controller, requester: new TopicRequester(registration, limits), reconciler, deadBrokers };
    registration.onFenced((reason) => {
      if (this.#stop.signal.aborted) return;
      options.onFenced?.(reason);
      this.#rejoining ??= this.#rejoin(registration).finally(() => {
        this.#rejoining = null;
      });
    });
    controller.start();
    election.start();
    reconciler.start();
    deadBrokers.start();
  }

  async #dismantle(member: Membership): Promise<void> {
    await member.deadBrokers.close();
    await member.reconciler.close();
    await member.controller.close();
    await member.election.close();
  }

  /** After fencing: stops the old parts, then registers anew (retrying with backoff until closed). */
  async #rejoin(old: BrokerRegistration): Promise<void> {
    if (this.#member.registration !== old) return;
    await this.#dismantle(this.#member);
    const signal = this.#stop.signal;
    let backoff = this.limits.etcdRetryBackoffMinMs;
    while (!signal.aborted) {
      try {
        const registration = await register(this.etcd, this.#options, this.limits, signal);
        if (signal.aborted) {
          await registration.close().catch(() => {});
          return;
        }
        this.#options.onRejoined?.(registration.epoch);
        this.#assemble(registration);
        return;
      } catch {
        await pause(backoff, signal);
        backoff = Math.min(backoff * 2, this.limits.etcdRetryBackoffMaxMs);
      }
    }
  }
}

function register(etcd: EtcdClient, options: ClusterNodeOptions, limits: Limits, signal?: AbortSignal): Promise<BrokerRegistration> {
  return BrokerRegistration.register(etcd, {
    cluster: options.cluster,
    broker: options.broker,
    limits,
    // A broker restarted (or cut off) within its old lease's TTL waits for it to run out.
    waitForIdMs: limits.brokerLeaseTtlMs * 2,
    signal,
  });
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
    partitions: () => {
      const all: PartitionRef[] = [];
      for (const topic of cache.topics()) {
        const states = cache.partitions(topic.name);
        topic.replicas.forEach((replicas, partition) => {
          const state = states.get(partition);
          if (state) all.push({ topic: topic.name, partition, leader: state.leader, leader_epoch: state.leader_epoch, replicas: [...replicas], isr: [...state.isr] });
        });
      }
      return all;
    },
  };
}
