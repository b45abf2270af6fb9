/**
 * The partition actor host: the actor on each partition worker thread. It hosts one or more
 * partitions (see {@link Partition}), opening — and so recovering — each in `start()`, which
 * runs again after every restart, before any request is served.
 */
import { join } from "node:path";
import { RivuletError } from "../core/errors.ts";
import { systemClock } from "../core/clock.ts";
import type { Actor } from "./actor.ts";
import { reply } from "./host-actor.ts";
import { Partition } from "./partition.ts";
import { partitionKey, type HostedPartition, type PartitionHostInit, type PartitionReply, type PartitionRequest } from "./partition-protocol.ts";

/** The directory of a partition: `<dataDir>/<topic>-<partition>`. */
export function partitionDir(dataDir: string, topic: string, partition: number): string {
  return join(dataDir, `${topic}-${partition}`);
}

export class PartitionHost implements Actor<PartitionRequest, PartitionReply> {
  #init: PartitionHostInit;
  #partitions = new Map<string, Partition>();
  #maintenance: ReturnType<typeof setInterval> | undefined;

  constructor(init: PartitionHostInit) {
    this.#init = init;
  }

  start(): void {
    for (const hosted of this.#init.partitions) this.#open(hosted);
    this.#maintenance = setInterval(() => this.#maintainAll(), this.#init.maintenanceIntervalMs);
    (this.#maintenance as { unref?: () => void }).unref?.();
  }

  stop(): void {
    clearInterval(this.#maintenance);
    for (const partition of this.#partitions.values()) partition.close();
    this.#partitions.clear();
  }

  receive(message: PartitionRequest): PartitionReply | Promise<PartitionReply> {
    switch (message.type) {
      case "open":
        return this.#open(message).state();
      case "close": {
        const partition = this.#get(message.topic, message.partition);
        this.#partitions.delete(partitionKey(message.topic, message.partition));
        if (message.deleteData) partition.delete(partitionDir(this.#init.dataDir, message.topic, message.partition));
        else partition.close();
        return null;
      }
      case "configure":
        this.#get(message.topic, message.partition).configure(message.config);
        return null;
      case "append":
        return this.#get(message.topic, message.partition).append(message.batches, message.acks);
      case "appendRecords":
        return this.#get(message.topic, message.partition).appendRecords(message.block, message, message.acks);
      case "writeTxnMarker":
        return this.#get(message.topic, message.partition).writeTxnMarker(message);
      case "fetch": {
        const replica = { replicaId: message.replicaId ?? -1, currentLeaderEpoch: message.currentLeaderEpoch ?? -1 };
        const result = this.#get(message.topic, message.partition).fetch(message.offset, message.maxBytes, message.waitMs, message.fetchId, replica, message.isolation);
        return result instanceof Promise ? result.then(transferable) : transferable(result);
      }
      case "cancelFetch":
        this.#partitions.get(partitionKey(message.topic, message.partition))?.cancelFetch(message.fetchId);
        return null;
      case "releaseWaits":
        for (const partition of this.#partitions.values()) partition.releaseWaits();
        return null;
      case "listOffset":
        return this.#get(message.topic, message.partition).listOffset(message.spec, message.isolation);
      case "state":
        return this.#get(message.topic, message.partition).state();
      case "maintain":
        this.#maintainAll();
        return null;
      case "becomeLeader":
        return this.#get(message.topic, message.partition).becomeLeader(message.leaderEpoch, message.replication);
      case "becomeFollower":
        return this.#get(message.topic, message.partition).becomeFollower(message.leaderEpoch);
      case "stopReplication":
        this.#partitions.get(partitionKey(message.topic, message.partition))?.stopReplication();
        return null;
      case "followerHighWatermark":
        return this.#get(message.topic, message.partition).followerHighWatermark(message.highWatermark);
      case "isrWatch":
        return this.#get(message.topic, message.partition).isrWatch(message.waitMs);
      case "isrSettled":
        this.#get(message.topic, message.partition).isrSettled(message.leaderEpoch, message.isr);
        return null;
      case "replicaState":
        return this.#get(message.topic, message.partition).replicaState();
      case "endOffsetForEpoch":
        return this.#get(message.topic, message.partition).endOffsetForEpoch(message.leaderEpoch, message.currentLeaderEpoch);
      case "truncateTo":
        return this.#get(message.topic, message.partition).truncateTo(message.offset);
      case "truncateFullyAndStartAt":
        return this.#get(message.topic, message.partition).truncateFullyAndStartAt(message.offset);
      case "appendAsFollower":
        return this.#get(message.topic, message.partition).appendAsFollower(message.batches, message.highWatermark, message.leaderEpoch);
      case "epochState":
        return this.#get(message.topic, message.partition).epochState();
      default: {
        const never: never = message;
        throw new Error(`unknown partition message ${JSON.stringify(never)}`);
      }
    }
  }

  #open(hosted: HostedPartition): Partition {
    const key = partitionKey(hosted.topic, hosted.partition);
    if (this.#init.broken.includes(key)) {
      // Fault injection: a partition that crashes on every start. An assertion, not a typed error.
      throw new Error(`fault injection: partition ${key} fails to open`);
    }
    const existing = this.#partitions.get(key);
    if (existing) return existing;
    const dir = partitionDir(this.#init.dataDir, hosted.topic, hosted.partition);
    const partition = new Partition(hosted.topic, hosted.partition, dir, hosted.config, { clock: systemClock, limits: this.#init.limits, awaitRole: this.#init.awaitRole });
    this.#partitions.set(key, partition);
    return partition;
  }

  #get(topic: string, partition: number): Partition {
    const found = this.#partitions.get(partitionKey(topic, partition));
    if (!found) throw new RivuletError("unknown_partition", `partition ${topic}/${partition} is not hosted here`, { topic, partition });
    return found;
  }

  #maintainAll(): void {
    for (const partition of this.#partitions.values()) partition.maintain();
  }
}

/** Marks a fetch result's bytes for transfer, copying first when they share a larger buffer. */
function transferable<T extends { batches: Uint8Array }>(result: T): T {
  let bytes = result.batches;
  if (bytes.byteLength === 0) return result;
  if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) bytes = bytes.slice();
  return reply({ ...result, batches: bytes }, [bytes.buffer as ArrayBuffer]);
}
