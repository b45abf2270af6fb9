/**
 * The broker facade every front end calls. It starts the supervisor (controller), which starts
 * one worker thread per partition (up to `maxWorkers`), and holds the consumer-group part. That
 * part lives in groups/, a floor above (its committed offsets are records written through this
 * broker), so the broker does not build it: it is handed a {@link GroupsFactory}. The public
 * `Broker` (groups/broker.ts) is this class with the group coordinator wired in.
 */
import { refuseAckBeforeWriteWithoutFaultInjection } from "../actors/ack-before-write.ts";
import { RivuletError, isRivuletError } from "../core/errors.ts";
import { systemClock, type Clock } from "../core/clock.ts";
import { resolveLimits, type Limits } from "../core/limits.ts";
import { spawn } from "../actors/spawn.ts";
import type { ActorRef } from "../actors/actor-ref.ts";
import { Supervisor } from "../actors/supervisor.ts";
import type { SupervisorReplies, SupervisorReply, SupervisorRequest } from "../actors/supervisor-protocol.ts";
import type { Acks, EpochEndOffset, IsrChange, LeaderReplication, PartitionEpochState, PartitionReplies, PartitionRequest, ReplicaStatus } from "../actors/partition-protocol.ts";
import type { GroupCoordinatorApi } from "./group-api.ts";
import { blockBuffer, type RecordBlock } from "../record/record-block.ts";
import type { BlockBatchOptions } from "../record/record-block-encoder.ts";
import { Producer, type ProducerHost, type ProducerOptions } from "./producer.ts";
import { Consumer, type ConsumerOptions } from "./consumer.ts";
import { batchesToRecords } from "./record-decoding.ts";
import { BrokerFaults } from "./broker-faults.ts";
import { BrokerStats } from "./broker-stats.ts";
import { RequestProducers, type RequestProducerHost, type RequestProducerTestHooks } from "./request-producers.ts";
import type { ClusterRouting } from "./cluster-routing.ts";
import { RequestProducerLog } from "./request-producer-log.ts";
import type {
  AppendBatchResult, BrokerApi, BrokerHealth, CreateTopicOptions, FetchBatchesResult, FetchOptions, FetchResult,
  Isolation, OffsetSpec, ProduceOptions, ProducerRecord, RecordMetadata, TopicDescription, TxnMarker, WorkerStatus,
} from "./types.ts";

/** Options of `Broker.open` (groups/broker.ts). */
export interface BrokerOptions {
  /** Where logs and metadata live (created if missing). */
  dataDir: string;
  /** Worker threads hosting partitions (default limits.workersMax). */
  maxWorkers?: number;
  /** Expose `broker.faults` to crash or hang partition workers (tests, chaos runs). */
  faultInjection?: boolean;
  /** Overrides of {@link defaultLimits}. */
  limits?: Partial<Limits>;
  clock?: Clock;
  /** Create unknown topics on first produce (default false). */
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics (default 1). */
  defaultPartitions?: number;
  /** For tests only: steps inside idempotent HTTP produce where a test can stop the broker. */
  requestProducerTestHooks?: RequestProducerTestHooks;
}

/** The consumer-group part as the broker holds it. */
export interface BrokerGroups extends GroupCoordinatorApi {
  /** Loads committed offsets; called once on open, after the part's internal topics exist. */
  load(): Promise<void>;
}

/** What the consumer-group part gets from the broker it serves. */
export interface GroupsHost {
  broker: BrokerApi;
  /** An idempotent producer for the part's own records. */
  producer: Producer;
  /** Partition count of a topic, undefined when the topic does not exist. */
  partitionsOf(topic: string): number | undefined;
  clock: Clock;
  limits: Limits;
}

/** Builds the consumer-group part for a broker (groups/ provides it). */
export interface GroupsFactory {
  /** Internal topics the part keeps its state in: created (one partition each unless `partitions` says) on open when missing, never deleted. */
  readonly topics: ReadonlyArray<{ name: string; config: Record<string, unknown>; partitions?: number }>;
  create(host: GroupsHost): BrokerGroups;
}

/**
 * A Rivulet broker in this process, given its consumer-group part. Use `Broker.open`
 * (groups/broker.ts), which supplies the group coordinator.
 */
export class BrokerCore implements BrokerApi, ProducerHost {
  readonly limits: Limits;
  readonly clock: Clock;
  readonly groups: BrokerGroups;
  readonly stats: BrokerStats = new BrokerStats();
  #supervisor: Supervisor;
  #supervisorRef: ActorRef<SupervisorRequest, SupervisorReply>;
  #faults: BrokerFaults | null;
  #producer: Producer;
  #requestProducers: RequestProducers;
  #options: BrokerOptions;
  #closed = false;
  #nextFetchId = 1;
  #groupsFactory: GroupsFactory;
  #cluster: ClusterRouting | null = null;

  protected constructor(options: BrokerOptions, limits: Limits, supervisor: Supervisor, groups: GroupsFactory) {
    this.#options = options;
    this.limits = limits;
    this.clock = options.clock ?? systemClock;
    this.#supervisor = supervisor;
    this.#supervisorRef = spawn("supervisor", () => supervisor, { mailboxCapacity: limits.mailboxMessagesMax });
    this.#producer = new Producer(this, { idempotent: true });
    // Kept in the compacted `__request_producers` topic, read on first use after a start.
    this.#requestProducers = new RequestProducers(this.#requestProducerHost(), { store: new RequestProducerLog(this, this.#producer, limits.deliveryTimeoutMs), testHooks: options.requestProducerTestHooks });
    this.#faults = options.faultInjection ? new BrokerFaults((message) => this.#admin(message)) : null;
    this.#groupsFactory = groups;
    this.groups = groups.create({
      broker: this,
      producer: this.#producer,
      partitionsOf: (topic) => supervisor.metadata.topics.get(topic)?.partitions,
      clock: this.clock,
      limits,
    });
  }

  /**
   * The first step of opening: starts the supervisor and workers, recovering every partition.
   * The opener (groups/broker.ts) then constructs the broker and calls {@link startGroups}.
   */
  protected static async startSupervisor(options: BrokerOptions): Promise<{ limits: Limits; supervisor: Supervisor }> {
    const limits = resolveLimits(options.limits);
    refuseAckBeforeWriteWithoutFaultInjection(options.faultInjection ?? false);
    const supervisor = await Supervisor.open({
      dataDir: options.dataDir,
      maxWorkers: options.maxWorkers ?? limits.workersMax,
      limits,
      faultInjection: options.faultInjection ?? false,
    });
    return { limits, supervisor };
  }

  /**
   * Creates the consumer-group part's missing internal topics, then starts loading it without
   * waiting: group requests wait for the load (see GroupCoordinator.load), so on a restart the
   * broker serves before the worker holding committed offsets has booted. A failed load fails
   * the group requests that waited for it and is tried again by the next.
   */
  protected async startGroups(): Promise<void> {
    for (const topic of this.#groupsFactory.topics) {
      if (!this.#supervisor.metadata.topics.has(topic.name)) {
        await this.#admin({ type: "createTopic", name: topic.name, partitions: topic.partitions ?? 1, config: topic.config, internal: true });
      }
    }
    this.groups.load().catch(() => {}); // its error reaches the group requests, which await the load themselves
  }

  /** Crash and hang partition workers; only with `faultInjection: true`. */
  get faults(): BrokerFaults {
    if (!this.#faults) throw new RivuletError("invalid_request", "fault injection is off: open the broker with faultInjection: true");
    return this.#faults;
  }

  /** A new producer. */
  /** The directory logs and metadata live in (stream processors keep their snapshots beneath it). */
  get dataDir(): string {
    return this.#options.dataDir;
  }

  producer(options?: ProducerOptions): Producer {
    return new Producer(this, options);
  }

  /** A new consumer. */
  consumer(options?: ConsumerOptions): Consumer {
    return new Consumer(this, options);
  }

  async createTopic(name: string, options: CreateTopicOptions = {}): Promise<TopicDescription> {
    await this.#admin({ type: "createTopic", name, partitions: options.partitions ?? 1, config: options.config ?? {}, internal: options.internal ?? false });
    return this.describeTopic(name);
  }

  /**
   * Grows a topic to `count` partitions (Kafka's CreatePartitions); partitions are never removed.
   *
   * @throws {RivuletError} `unknown_topic`; `invalid_request` when `count` is not above the
   *   current count, above `topicPartitionsMax`, or the topic is internal
   */
  async createPartitions(name: string, count: number): Promise<TopicDescription> {
    this.#supervisor.topic(name);
    await this.#admin({ type: "createPartitions", name, count });
    return this.describeTopic(name);
  }

  async deleteTopic(name: string, options: { internal?: boolean } = {}): Promise<void> {
    if (this.#groupsFactory.topics.some((t) => t.name === name) || (name.startsWith("__") && !options.internal)) throw new RivuletError("invalid_topic_name", `internal topic ${name} cannot be deleted`, { topic: name });
    this.#supervisor.topic(name);
    await this.#admin({ type: "deleteTopic", name });
  }

  async listTopics(options: { internal?: boolean } = {}): Promise<string[]> {
    return [...this.#supervisor.metadata.topics.keys()].filter((n) => options.internal || !n.startsWith("__")).sort();
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    const topic = this.#supervisor.topic(name);
    const partitions = await Promise.all(
      Array.from({ length: topic.partitions }, async (_, partition) => {
        const { status, worker } = this.#supervisor.partitionStatus(name, partition);
        const state = status === "offline" ? null : await this.#ask(name, partition, { type: "state", topic: name, partition }).catch(() => null);
        return {
          partition,
          startOffset: state?.logStartOffset ?? -1,
          endOffset: state?.highWatermark ?? -1,
          worker,
          status,
          sizeBytes: state?.sizeBytes ?? 0,
        };
      }),
    );
    return { name, partitions, config: topic.config };
  }

  async produce(topic: string, records: ProducerRecord[], options?: ProduceOptions): Promise<RecordMetadata[]> {
    if (this.#options.autoCreateTopics && !this.#supervisor.metadata.topics.has(topic)) {
      await this.createTopic(topic, { partitions: this.#options.defaultPartitions ?? 1 }).catch((error) => {
        if (!(error instanceof RivuletError && error.code === "topic_exists")) throw error;
      });
    }
    if (options?.request) return this.#requestProducers.produce(topic, records, options.request, options.limits);
    return this.#producer.sendBatch(topic, records, options?.limits);
  }

  initProducer(options?: { owner?: string | null; producerId?: number }): Promise<{ producerId: number; producerEpoch: number }> {
    if (this.#closed) return Promise.reject(new RivuletError("closed", "the broker is closed"));
    return this.#requestProducers.init(options);
  }

  /**
   * On a replicated leader, `acks` "all" (the default) resolves once the in-sync replicas hold
   * the batches, "leader" once the leader does; alone, both mean the topic's flush policy.
   */
  async appendBatch(topic: string, partition: number, batches: Uint8Array, options?: { acks?: Acks }): Promise<AppendBatchResult> {
    // The bytes move to the worker; a view into a larger buffer (a request frame, a Node
    // Buffer from a pool) is copied first. Uint8Array's slice copies even on a Buffer.
    const own = batches.byteOffset === 0 && batches.byteLength === batches.buffer.byteLength && !isNodeBuffer(batches) ? batches : Uint8Array.prototype.slice.call(batches);
    const size = own.byteLength;
    const result = await this.#ask(topic, partition, { type: "append", topic, partition, batches: own, acks: options?.acks }, [own.buffer as ArrayBuffer]);
    this.stats.produced(topic, result.lastOffset - result.baseOffset + 1, size);
    return result;
  }

  /**
   * The producer's path: the block goes to the worker, which encodes the batch. A block in a
   * SharedArrayBuffer is lent (the caller must not touch it until this settles); any other is
   * transferred.
   */
  async appendRecords(topic: string, partition: number, block: RecordBlock, batch: BlockBatchOptions): Promise<AppendBatchResult> {
    const { count } = block;
    const size = block.data.byteLength;
    const message = {
      type: "appendRecords", topic, partition, block,
      producerId: batch.producerId ?? -1, producerEpoch: batch.producerEpoch ?? -1, baseSequence: batch.baseSequence ?? -1,
    } as const;
    const buffer = blockBuffer(block);
    const result = await this.#ask(topic, partition, message, buffer instanceof ArrayBuffer ? [buffer] : []);
    this.stats.produced(topic, count, size);
    return result;
  }

  /**
   * Writes each marker to its partition, all partitions in parallel (one partition's markers in
   * order). See {@link BrokerApi.writeTxnMarkers}.
   * @throws {RivuletError} `invalid_producer_epoch`, `invalid_request`, `unknown_topic`, `unknown_partition`, `storage_error`, …
   */
  async writeTxnMarkers(markers: TxnMarker[]): Promise<void> {
    const byPartition = new Map<string, TxnMarker[]>();
    for (const marker of markers) {
      const key = `${marker.topic}\u0000${marker.partition}`;
      const list = byPartition.get(key);
      if (list) list.push(marker);
      else byPartition.set(key, [marker]);
    }
    await Promise.all(
      [...byPartition.values()].map(async (list) => {
        for (const { topic, partition, producerId, producerEpoch, coordinatorEpoch, commit } of list) {
          await this.#ask(topic, partition, { type: "writeTxnMarker", topic, partition, producerId, producerEpoch, coordinatorEpoch, commit });
        }
      }),
    );
  }

  async fetch(topic: string, partition: number, options: FetchOptions): Promise<FetchResult> {
    const maxRecords = Math.min(options.maxRecords ?? this.limits.fetchRecordsMax, this.limits.fetchRecordsMax);
    const raw = await this.fetchBatches(topic, partition, options);
    const aborted = options.isolation === "read_committed" ? raw.abortedTransactions : undefined;
    const { records, nextOffset } = batchesToRecords(topic, partition, raw.batches, raw.offset, maxRecords, aborted);
    this.stats.fetched(topic, records.length, 0);
    const end = options.isolation === "read_committed" ? raw.lastStableOffset : raw.highWatermark;
    return { records, nextOffset: Math.min(nextOffset, Math.max(end, raw.offset)), highWatermark: raw.highWatermark, lastStableOffset: raw.lastStableOffset, logStartOffset: raw.logStartOffset };
  }

  async fetchBatches(topic: string, partition: number, options: FetchOptions): Promise<FetchBatchesResult> {
    const named = options.offset === "earliest" || options.offset === "latest";
    if (!named && (!Number.isSafeInteger(options.offset) || (options.offset as number) < 0)) {
      throw new RivuletError("invalid_offset", `offset must be a non-negative integer, got ${options.offset}`, { offset: options.offset });
    }
    const waitMs = options.signal?.aborted ? 0 : Math.min(Math.max(0, options.waitMs ?? 0), this.limits.fetchWaitMsMax);
    const maxBytes = Math.min(options.maxBytes ?? this.limits.fetchBytesMax, this.limits.fetchBytesMax);
    const fetchId = this.#nextFetchId++;
    const isolation = checkIsolation(options.isolation);
    const message = { type: "fetch", topic, partition, offset: options.offset, maxBytes, waitMs, fetchId, isolation, replicaId: options.replicaId, currentLeaderEpoch: options.currentLeaderEpoch } as const;
    const signal = waitMs > 0 ? options.signal : undefined;
    // A caller that goes away (a closed SSE stream, a dropped long-poll) ends the wait on the
    // partition actor too, instead of leaving it to its timeout.
    const cancel = () => void this.#ask(topic, partition, { type: "cancelFetch", topic, partition, fetchId }).catch(() => {});
    signal?.addEventListener("abort", cancel, { once: true });
    try {
      const result = await this.#ask(topic, partition, message);
      this.stats.fetched(topic, 0, result.batches.byteLength);
      return result;
    } finally {
      signal?.removeEventListener("abort", cancel);
    }
  }

  async listOffset(topic: string, partition: number, spec: OffsetSpec, options: { isolation?: Isolation } = {}): Promise<number> {
    return this.#ask(topic, partition, { type: "listOffset", topic, partition, spec, isolation: checkIsolation(options.isolation) });
  }

  // Replication internals: what the replica fetcher and the cluster's leader changes drive. Not
  // part of the public Broker API (the cluster code on this floor and above uses them).

  /**
   * @internal Makes this broker's replica of the partition the leader with `leaderEpoch`: every
   * batch appended from now on carries it, and the epoch starts at the log end.
   * @throws {RivuletError} `fenced_leader_epoch` (older than the log's), `unknown_partition`
   */
  becomeLeader(topic: string, partition: number, leaderEpoch: number, replication?: LeaderReplication): Promise<PartitionEpochState> {
    return this.#ask(topic, partition, { type: "becomeLeader", topic, partition, leaderEpoch, replication });
  }

  /**
   * @internal Makes this broker's replica a follower of the leader of `leaderEpoch`: produce and
   * consumer fetches get `not_leader`; acks=all writes still waiting fail with it.
   * @throws {RivuletError} `fenced_leader_epoch` (older than one seen), `unknown_partition`
   */
  becomeFollower(topic: string, partition: number, leaderEpoch: number): Promise<PartitionEpochState> {
    return this.#ask(topic, partition, { type: "becomeFollower", topic, partition, leaderEpoch });
  }

  /** @internal Stops leading or following: the partition is alone again (its own high watermark). */
  stopReplication(topic: string, partition: number): Promise<null> {
    return this.#ask(topic, partition, { type: "stopReplication", topic, partition });
  }

  /** @internal A follower takes its leader's high watermark (capped at its own log end). */
  followerHighWatermark(topic: string, partition: number, highWatermark: number): Promise<PartitionEpochState> {
    return this.#ask(topic, partition, { type: "followerHighWatermark", topic, partition, highWatermark });
  }

  /**
   * @internal A leader's next ISR change to ask the controller for, within `waitMs` (null: none).
   * It stays in flight until {@link isrSettled}.
   */
  isrWatch(topic: string, partition: number, waitMs: number): Promise<IsrChange | null> {
    return this.#ask(topic, partition, { type: "isrWatch", topic, partition, waitMs });
  }

  /** @internal The controller's decision on the in-flight ISR change (null: unchanged). */
  isrSettled(topic: string, partition: number, leaderEpoch: number, isr: number[] | null): Promise<null> {
    return this.#ask(topic, partition, { type: "isrSettled", topic, partition, leaderEpoch, isr });
  }

  /** @internal Role, ISR and follower lags of the partition, for metrics. */
  replicaState(topic: string, partition: number): Promise<ReplicaStatus> {
    return this.#ask(topic, partition, { type: "replicaState", topic, partition });
  }

  /**
   * @internal OffsetsForLeaderEpoch: the largest epoch ≤ `leaderEpoch` this replica knows and
   * where it ends; (-1, -1) when none. `currentLeaderEpoch` (-1 = not given) is checked first.
   * @throws {RivuletError} `fenced_leader_epoch`, `unknown_leader_epoch`, `unknown_partition`
   */
  endOffsetForEpoch(topic: string, partition: number, leaderEpoch: number, currentLeaderEpoch = -1): Promise<EpochEndOffset> {
    return this.#ask(topic, partition, { type: "endOffsetForEpoch", topic, partition, leaderEpoch, currentLeaderEpoch });
  }

  /**
   * @internal Removes every record at or past `offset`, a batch boundary (a follower's truncation).
   * @throws {RivuletError} `offset_out_of_range`, `invalid_offset`, `storage_error`
   */
  truncateTo(topic: string, partition: number, offset: number): Promise<PartitionEpochState> {
    return this.#ask(topic, partition, { type: "truncateTo", topic, partition, offset });
  }

  /**
   * @internal Removes every record and restarts the partition's log, empty, at `offset` (a
   * follower whose leader's log starts past this one's end).
   * @throws {RivuletError} `invalid_offset`, `storage_error`
   */
  truncateFullyAndStartAt(topic: string, partition: number, offset: number): Promise<PartitionEpochState> {
    return this.#ask(topic, partition, { type: "truncateFullyAndStartAt", topic, partition, offset });
  }

  /**
   * @internal Appends batches fetched from the leader byte for byte (offsets, epochs, producer
   * fields kept); the bytes move to the worker. A follower then takes `highWatermark`, its
   * leader's; `leaderEpoch`, the epoch followed, restores the role of a restarted worker.
   * @throws {RivuletError} `invalid_offset` (not contiguous), `fenced_leader_epoch`, `corrupt_record`, …
   */
  async appendAsFollower(topic: string, partition: number, batches: Uint8Array, highWatermark?: number, leaderEpoch?: number): Promise<AppendBatchResult> {
    const own = batches.byteOffset === 0 && batches.byteLength === batches.buffer.byteLength && !isNodeBuffer(batches) ? batches : Uint8Array.prototype.slice.call(batches);
    return this.#ask(topic, partition, { type: "appendAsFollower", topic, partition, batches: own, highWatermark, leaderEpoch }, [own.buffer as ArrayBuffer]);
  }

  /** @internal The partition's log end, leader epoch and epoch entries. */
  epochState(topic: string, partition: number): Promise<PartitionEpochState> {
    return this.#ask(topic, partition, { type: "epochState", topic, partition });
  }

  /** A new producer id for an idempotent producer (Kafka's InitProducerId); in a cluster, unique in it. */
  allocateProducerId(): Promise<number> {
    if (this.#cluster) return this.#cluster.allocateProducerId();
    return this.#admin({ type: "allocateProducerId" });
  }

  /**
   * Makes this broker one of a cluster's for its own produce paths (see {@link ClusterRouting}):
   * producer ids from the cluster, idempotent HTTP produce writing at other partitions' leaders.
   */
  useClusterRouting(routing: ClusterRouting): void {
    this.#cluster = routing;
    this.#supervisor.awaitRoles();
  }

  /** The request producers' view of this broker: its own partitions, or in a cluster, any leader's. */
  #requestProducerHost(): RequestProducerHost {
    return {
      limits: this.limits,
      clock: this.clock,
      allocateProducerId: () => this.allocateProducerId(),
      topicConfig: (topic) => {
        if (!this.#cluster) return this.topicConfig(topic);
        try {
          return this.topicConfig(topic);
        } catch (error) {
          if (!isRivuletError(error, "unknown_topic")) throw error;
          return this.#cluster.topicConfig(topic);
        }
      },
      appendRecords: (topic, partition, block, batch, request) =>
        this.#cluster?.appendElsewhere(topic, partition, block, batch, request) ?? this.appendRecords(topic, partition, block, batch),
      registryGeneration: () => this.#cluster?.registryGeneration() ?? 0,
    };
  }

  /** Partition count and config of a topic; throws `unknown_topic`. */
  topicConfig(topic: string): { partitions: number; config: TopicDescription["config"] } {
    return this.#supervisor.topic(topic);
  }

  health(): BrokerHealth {
    const offline: BrokerHealth["offlinePartitions"] = [];
    const restarting: BrokerHealth["restartingPartitions"] = [];
    for (const topic of this.#supervisor.metadata.topics.values()) {
      for (let partition = 0; partition < topic.partitions; partition++) {
        const { status } = this.#supervisor.partitionStatus(topic.name, partition);
        if (status === "offline") offline.push({ topic: topic.name, partition });
        if (status === "restarting") restarting.push({ topic: topic.name, partition });
      }
    }
    return { status: offline.length > 0 ? "degraded" : "ok", offlinePartitions: offline, restartingPartitions: restarting };
  }

  /** Worker restart counts and statuses, for metrics. */
  workers(): WorkerStatus[] {
    return this.#supervisor.workerRestarts();
  }

  /** Flushes producers, stops the coordinator and every worker (closing and flushing logs). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#producer.close();
    await this.groups.close();
    await this.#supervisor.releaseWaits();
    await this.#supervisorRef.stop();
    await this.#supervisor.stop();
  }

  #admin<T extends SupervisorRequest>(message: T): Promise<SupervisorReplies[T["type"]]> {
    if (this.#closed) return Promise.reject(new RivuletError("closed", "the broker is closed"));
    return this.#supervisorRef.ask(message, { timeoutMs: this.limits.askTimeoutMs }) as Promise<SupervisorReplies[T["type"]]>;
  }

  #ask<T extends PartitionRequest>(topic: string, partition: number, message: T, transfer?: ArrayBuffer[]): Promise<PartitionReplies[T["type"]]> {
    if (this.#closed) return Promise.reject(new RivuletError("closed", "the broker is closed"));
    try {
      const ref = this.#supervisor.route(topic, partition);
      const timeoutMs = message.type === "fetch" || message.type === "isrWatch" ? message.waitMs + this.limits.askTimeoutMs : this.limits.askTimeoutMs;
      return ref.ask(message, { timeoutMs, transfer }) as Promise<PartitionReplies[T["type"]]>;
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

/** The isolation asked for (default read_uncommitted); anything else is `invalid_request`. */
function checkIsolation(isolation: unknown): Isolation {
  if (isolation === undefined || isolation === "read_uncommitted") return "read_uncommitted";
  if (isolation === "read_committed") return isolation;
  throw new RivuletError("invalid_request", `isolation must be read_committed or read_uncommitted, got ${String(isolation)}`, { isolation: String(isolation) });
}

/** A Node Buffer may share a pooled ArrayBuffer even when it looks whole. */
function isNodeBuffer(bytes: Uint8Array): boolean {
  return bytes.constructor !== Uint8Array;
}
