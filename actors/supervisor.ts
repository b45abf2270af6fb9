/**
 * The supervisor actor: Rivulet's controller. It holds the cluster metadata, creates and
 * deletes partitions, places partition actors on worker threads (one partition per worker up to
 * `maxWorkers`, then on the least loaded worker), and watches workers: a worker that exits,
 * errors or misses heartbeats is restarted with backoff by the actor runtime, and its
 * partitions recover their logs in the new worker's `start()` before serving again. A worker
 * that keeps failing is marked failed and its partitions offline.
 *
 * Admin requests are serialised through its mailbox; routing reads (`route`, `topic`) are
 * synchronous on the main thread.
 */
import { RivuletError } from "../core/errors.ts";
import type { Limits } from "../core/limits.ts";
import { parseTopicConfig } from "../core/topic-config.ts";
import { internalTopicPrefix, validateTopicName } from "../core/topic-name.ts";
import type { Actor } from "./actor.ts";
import type { ActorRef, ActorStatus } from "./actor-ref.ts";
import { StartQueue } from "./start-queue.ts";
import { startWorkerActor, type FaultInjectable } from "./worker-actor.ts";
import { ClusterMetadata, type TopicMetadata } from "./cluster-metadata.ts";
import { partitionKey, type HostedPartition, type PartitionHostInit, type PartitionReply, type PartitionRequest } from "./partition-protocol.ts";
import type { PartitionStatus, SupervisorReply, SupervisorRequest } from "./supervisor-protocol.ts";

export type PartitionRef = ActorRef<PartitionRequest, PartitionReply> & Partial<FaultInjectable>;

interface WorkerSlot {
  id: number;
  ref: PartitionRef;
  /** Settles once the worker hand-shook (or failed to start). */
  ready: Promise<void>;
  hosted: HostedPartition[];
  status: ActorStatus;
  restarts: number;
}

export interface SupervisorOptions {
  dataDir: string;
  maxWorkers: number;
  limits: Limits;
  faultInjection: boolean;
}

const workerModule = new URL("../workers/partition-worker.ts", import.meta.url);

export class Supervisor implements Actor<SupervisorRequest, SupervisorReply> {
  readonly metadata: ClusterMetadata;
  #options: SupervisorOptions;
  #workers: WorkerSlot[] = [];
  #placement = new Map<string, WorkerSlot>();
  #broken = new Set<string>();
  #nextWorkerId = 0;
  #awaitRole = false;

  /**
   * The broker joined a cluster: every worker started from now on (a restart included) opens its
   * partitions waiting for their role (`PartitionHostInit.awaitRole`), so a restarted worker's
   * partition does not act alone until the cluster's replica manager tells it its role again.
   */
  awaitRoles(): void {
    this.#awaitRole = true;
  }

  private constructor(options: SupervisorOptions) {
    this.#options = options;
    this.metadata = ClusterMetadata.load(options.dataDir);
  }

  /**
   * Loads metadata and starts the workers for every existing partition, which recover their
   * logs. Resolves without waiting for them: requests to a partition wait in its worker's
   * mailbox until it runs (bounded, as during a restart), so a server listens while its workers
   * boot. A partition whose worker never starts goes offline, as after repeated crashes.
   */
  static async open(options: SupervisorOptions): Promise<Supervisor> {
    const supervisor = new Supervisor(options);
    const groups: HostedPartition[][] = [];
    let index = 0;
    for (const topic of supervisor.metadata.topics.values()) {
      for (let p = 0; p < topic.partitions; p++, index++) {
        const slot = index % options.maxWorkers;
        (groups[slot] ??= []).push({ topic: topic.name, partition: p, config: topic.config });
      }
    }
    // Internal topics (committed offsets) first: opening the broker reads them.
    const internalFirst = groups.map((hosted) => ({ hosted, internal: hosted.some((h) => h.topic.startsWith(internalTopicPrefix)) })).sort((a, b) => Number(b.internal) - Number(a.internal));
    const queue = new StartQueue(options.limits.workerBootsAtOpenMax);
    for (const { hosted } of internalFirst) void supervisor.#startWorker(hosted, { queue }).catch(() => {}); // failures show as offline partitions
    return supervisor;
  }

  receive(message: SupervisorRequest): Promise<SupervisorReply> | SupervisorReply {
    switch (message.type) {
      case "createTopic":
        return this.#createTopic(message.name, message.partitions, message.config, message.internal);
      case "deleteTopic":
        return this.#deleteTopic(message.name);
      case "createPartitions":
        return this.#createPartitions(message.name, message.count);
      case "allocateProducerId":
        return this.metadata.allocateProducerId();
      case "fault":
        return this.#fault(message.kind, message.topic, message.partition);
      default: {
        const never: never = message;
        throw new Error(`unknown supervisor message ${JSON.stringify(never)}`);
      }
    }
  }

  /** The topic's metadata, or an `unknown_topic` error. */
  topic(name: string): TopicMetadata {
    const topic = this.metadata.topics.get(name);
    if (!topic) throw new RivuletError("unknown_topic", `topic ${JSON.stringify(name)} does not exist`, { topic: name });
    return topic;
  }

  /** The actor hosting a partition; throws `unknown_topic`, `unknown_partition` or `partition_offline`. */
  route(topic: string, partition: number): PartitionRef {
    const meta = this.topic(topic);
    if (!Number.isInteger(partition) || partition < 0 || partition >= meta.partitions) {
      throw new RivuletError("unknown_partition", `topic ${topic} has no partition ${partition}`, { topic, partition, partitions: meta.partitions });
    }
    const slot = this.#placement.get(partitionKey(topic, partition));
    if (!slot) throw new RivuletError("partition_unavailable", `partition ${topic}/${partition} is being placed`, { topic, partition });
    if (slot.status === "failed") throw new RivuletError("partition_offline", `partition ${topic}/${partition} is offline: its worker failed repeatedly`, { topic, partition });
    return slot.ref;
  }

  /** Status and worker of a partition. */
  partitionStatus(topic: string, partition: number): { status: PartitionStatus; worker: number } {
    const slot = this.#placement.get(partitionKey(topic, partition));
    if (!slot) return { status: "restarting", worker: -1 };
    const status: PartitionStatus = slot.status === "failed" ? "offline" : slot.status === "running" ? "online" : "restarting";
    return { status, worker: slot.id };
  }

  /** Worker restarts since the broker opened, per worker. */
  workerRestarts(): Array<{ worker: number; restarts: number; status: ActorStatus }> {
    return this.#workers.map((w) => ({ worker: w.id, restarts: w.restarts, status: w.status }));
  }

  /** Stops every worker, closing (and flushing) every log. */
  /** Ends every waiting fetch on every worker now (before a graceful stop). */
  async releaseWaits(): Promise<void> {
    await Promise.all(this.#workers.filter((w) => w.status === "running").map((w) => w.ref.ask({ type: "releaseWaits" }).catch(() => null)));
  }

  async stop(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.ready.then(() => w.ref.stop(), () => {})));
    this.#workers = [];
    this.#placement.clear();
  }

  async #createTopic(name: string, partitions: number, rawConfig: Record<string, unknown>, internal: boolean): Promise<TopicMetadata> {
    validateTopicName(name, { internal });
    const limits = this.#options.limits;
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > limits.topicPartitionsMax) {
      throw new RivuletError("invalid_request", `partitions must be an integer from 1 to ${limits.topicPartitionsMax}`, { partitions });
    }
    const config = parseTopicConfig(rawConfig);
    if (this.metadata.topics.has(name)) throw new RivuletError("topic_exists", `topic ${name} already exists`, { topic: name });
    if (this.metadata.topics.size >= limits.topicsMax) throw new RivuletError("invalid_request", `at most ${limits.topicsMax} topics`, { limit: "topicsMax" });
    const topic: TopicMetadata = { name, partitions, config, createdAt: Date.now() };
    this.metadata.topics.set(name, topic);
    this.metadata.save();
    try {
      await Promise.all(Array.from({ length: partitions }, (_, p) => this.#place({ topic: name, partition: p, config })));
    } catch (error) {
      await this.#deleteTopic(name).catch(() => {});
      throw error;
    }
    return topic;
  }

  /**
   * Grows a topic to `count` partitions: opens the new ones (placed like a new topic's), then
   * records the new count, so no request is routed to a partition that is not open yet. Existing
   * partitions and their data are untouched; keys may map to other partitions from then on,
   * as in Kafka. Internal topics keep their partition count.
   */
  async #createPartitions(name: string, count: number): Promise<TopicMetadata> {
    const topic = this.topic(name);
    const limits = this.#options.limits;
    if (name.startsWith(internalTopicPrefix)) throw new RivuletError("invalid_request", `internal topic ${name} keeps its partitions`, { topic: name });
    if (!Number.isInteger(count) || count <= topic.partitions || count > limits.topicPartitionsMax) {
      throw new RivuletError("invalid_request", `topic ${name} has ${topic.partitions} partitions: the new count must be an integer from ${topic.partitions + 1} to ${limits.topicPartitionsMax}`, { topic: name, partitions: topic.partitions, count });
    }
    const added = Array.from({ length: count - topic.partitions }, (_, i) => topic.partitions + i);
    const placed = await Promise.allSettled(added.map((p) => this.#place({ topic: name, partition: p, config: topic.config })));
    const failed = placed.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) {
      for (const p of added) await this.#unplace(name, p);
      throw failed.reason;
    }
    const grown: TopicMetadata = { ...topic, partitions: count };
    this.metadata.topics.set(name, grown);
    this.metadata.save();
    return grown;
  }

  async #place(hosted: HostedPartition): Promise<void> {
    if (this.#workers.length < this.#options.maxWorkers) {
      await this.#startWorker([hosted]);
      return;
    }
    const slot = this.#workers.reduce((a, b) => (b.hosted.length < a.hosted.length ? b : a));
    slot.hosted.push(hosted);
    this.#placement.set(partitionKey(hosted.topic, hosted.partition), slot);
    await slot.ready;
    await slot.ref.ask({ type: "open", topic: hosted.topic, partition: hosted.partition, config: hosted.config });
  }

  /**
   * Starts a worker for `hosted`. In the background (at open, through `queue`) the slot serves requests at once
   * (they wait for the worker) and stays when the worker never starts, its partitions offline;
   * otherwise the call waits for the worker and removes the slot if it never starts.
   */
  async #startWorker(hosted: HostedPartition[], { queue }: { queue?: StartQueue } = {}): Promise<void> {
    const background = queue !== undefined;
    const id = this.#nextWorkerId++;
    const slot = { id, hosted, status: "starting", restarts: 0 } as WorkerSlot;
    this.#workers.push(slot);
    for (const h of hosted) this.#placement.set(partitionKey(h.topic, h.partition), slot);
    const limits = this.#options.limits;
    const init = (): PartitionHostInit => ({
      dataDir: this.#options.dataDir,
      partitions: slot.hosted,
      broken: [...this.#broken],
      maintenanceIntervalMs: limits.maintenanceIntervalMs,
      limits,
      awaitRole: this.#awaitRole,
    });
    const ref = startWorkerActor<PartitionRequest, PartitionReply>(`partition-worker-${id}`, workerModule, {
      init,
      dispatch: "pipelined",
      mailboxCapacity: limits.mailboxMessagesMax,
      heartbeatIntervalMs: limits.heartbeatIntervalMs,
      heartbeatTimeoutMs: limits.heartbeatTimeoutMs,
      startTimeoutMs: limits.workerStartTimeoutMs,
      stopTimeoutMs: limits.workerStopTimeoutMs,
      terminateTimeoutMs: limits.workerTerminateTimeoutMs,
      faultInjection: this.#options.faultInjection,
      firstStartQueue: queue,
      supervision: {
        maxRestarts: limits.restartsInWindowMax,
        windowMs: limits.restartWindowMs,
        backoffMinMs: limits.restartBackoffMinMs,
        backoffMaxMs: limits.restartBackoffMaxMs,
        onStatus: (status) => {
          if (status === "restarting" && slot.status !== "restarting") slot.restarts++;
          slot.status = status;
        },
      },
    });
    slot.ready = ref.started;
    if (background) slot.ref = ref;
    try {
      await ref.started;
      slot.ref = ref;
    } catch (error) {
      if (background) {
        slot.status = "failed";
        throw error;
      }
      this.#workers = this.#workers.filter((w) => w !== slot);
      for (const h of slot.hosted) this.#placement.delete(partitionKey(h.topic, h.partition));
      throw error;
    }
    if (slot.status === "starting") slot.status = "running";
  }

  /** Takes a partition off its worker and deletes its data (a topic deleted, or grown and rolled back). */
  async #unplace(topic: string, partition: number): Promise<void> {
    const key = partitionKey(topic, partition);
    const slot = this.#placement.get(key);
    this.#placement.delete(key);
    if (!slot) return;
    slot.hosted = slot.hosted.filter((h) => !(h.topic === topic && h.partition === partition));
    if (slot.status !== "failed") await slot.ref.ask({ type: "close", topic, partition, deleteData: true }).catch(() => {});
  }

  async #deleteTopic(name: string): Promise<null> {
    const topic = this.topic(name);
    for (let p = 0; p < topic.partitions; p++) await this.#unplace(name, p);
    this.metadata.topics.delete(name);
    this.metadata.save();
    return null;
  }

  async #fault(kind: "crash" | "hang" | "break", topic: string, partition: number): Promise<null> {
    const key = partitionKey(topic, partition);
    const slot = this.#placement.get(key);
    if (!slot) throw new RivuletError("unknown_partition", `no partition ${key}`, { topic, partition });
    if (!this.#options.faultInjection || !slot.ref.crash || !slot.ref.hang) {
      throw new RivuletError("invalid_request", "fault injection is off: open the broker with faultInjection: true");
    }
    if (kind === "break") this.#broken.add(key);
    if (kind === "hang") await slot.ref.hang();
    else await slot.ref.crash();
    return null;
  }
}
