/**
 * The consumer: reads records from assigned partitions in offset order, either as a member of
 * a consumer group (partitions assigned by the coordinator, positions committed there) or from
 * partitions assigned by hand. Each assigned partition has at most one fetch outstanding, which
 * waits on the partition actor for new data (no polling loop); what it brings is buffered until
 * `poll` hands it out. Delivery is at least once: positions are committed after records were
 * handed out, so a crash between the two re-delivers, never skips.
 */
import { RivuletError, isRivuletError } from "../core/errors.ts";
import type { BrokerApi, ConsumedRecord, FetchResult, Isolation } from "./types.ts";
import type { AssignorName, TopicPartition } from "./group-api.ts";

/** Consumer options. */
export interface ConsumerOptions {
  /** Join this consumer group (needed for `subscribe` and `commit`). */
  groupId?: string;
  /** Where to start on partitions with no committed offset: the log start (true) or end (false, default). */
  fromBeginning?: boolean;
  /** Commit handed-out positions on every poll and on close (default true). */
  autoCommit?: boolean;
  /** Most records one fetch brings per partition (default 10,000). */
  maxRecords?: number;
  /** How long a poll waits for new records (default 1,000 ms). */
  waitMs?: number;
  sessionTimeoutMs?: number;
  assignor?: AssignorName;
  /**
   * `read_uncommitted` (default, as in Kafka): every record. `read_committed`: only records of
   * committed transactions (and non-transactional ones), up to the last stable offset; a new
   * position at `latest` is the last stable offset. Transaction markers are never records.
   */
  isolation?: Isolation;
}

interface PartitionCursor {
  tp: TopicPartition;
  /** Next offset to fetch. */
  fetchOffset: number;
  /** Next offset to hand out (what a commit stores). */
  position: number;
  buffer: ConsumedRecord[];
  inflight: Promise<void> | null;
  abort: AbortController;
  /** A fetch failure to report from the next poll. */
  error: unknown;
}

const key = (topic: string, partition: number) => `${topic}/${partition}`;

/**
 * @example
 * ```ts
 * const consumer = broker.consumer({ groupId: "billing", fromBeginning: true });
 * await consumer.subscribe(["payments"]);
 * for await (const record of consumer) console.log(record.offset, new TextDecoder().decode(record.value!));
 * ```
 */
export class Consumer implements AsyncIterable<ConsumedRecord> {
  #broker: BrokerApi;
  #options: Required<Omit<ConsumerOptions, "groupId" | "sessionTimeoutMs" | "assignor" | "isolation">> & ConsumerOptions;
  #cursors = new Map<string, PartitionCursor>();
  #memberId: string | null = null;
  #generation = -1;
  #pending: Map<string, number> = new Map();
  #wake: (() => void) | null = null;
  #closed = false;

  constructor(broker: BrokerApi, options: ConsumerOptions = {}) {
    this.#broker = broker;
    if (options.isolation !== undefined && options.isolation !== "read_committed" && options.isolation !== "read_uncommitted") {
      throw new RivuletError("invalid_request", `isolation must be read_committed or read_uncommitted, got ${String(options.isolation)}`);
    }
    this.#options = { fromBeginning: false, autoCommit: true, maxRecords: 10_000, waitMs: 1_000, ...options };
  }

  /** Joins the group for these topics; partitions are assigned by the coordinator. */
  async subscribe(topics: string[]): Promise<void> {
    const groupId = this.#requireGroup();
    const membership = await this.#broker.groups.joinManaged(groupId, topics, { sessionTimeoutMs: this.#options.sessionTimeoutMs, assignor: this.#options.assignor });
    this.#memberId = membership.memberId;
    await this.#applyAssignment(membership.generation, membership.assignments);
  }

  /** Reads these partitions, outside any group rebalancing. */
  async assign(partitions: TopicPartition[]): Promise<void> {
    await this.#applyAssignment(this.#generation, partitions);
  }

  /**
   * This member's id and generation in its group (null before it joined): what a transactional
   * offset commit names so the coordinator can refuse a member that was rebalanced away.
   */
  membership(): { memberId: string; generationId: number } | null {
    return this.#memberId === null ? null : { memberId: this.#memberId, generationId: this.#generation };
  }

  /** The partitions currently assigned. */
  assignment(): TopicPartition[] {
    return [...this.#cursors.values()].map((c) => c.tp);
  }

  /** Moves a partition's position: the next record handed out has this offset. */
  seek(topic: string, partition: number, offset: number): void {
    const cursor = this.#cursors.get(key(topic, partition));
    if (!cursor) throw new RivuletError("unknown_partition", `partition ${topic}/${partition} is not assigned to this consumer`, { topic, partition });
    cursor.abort.abort();
    cursor.abort = new AbortController();
    cursor.inflight = null;
    cursor.buffer = [];
    cursor.fetchOffset = cursor.position = offset;
  }

  /**
   * Hands out the records that are ready, waiting up to `waitMs` when none are. Also the
   * group heartbeat: a rebalance is picked up here.
   */
  async poll(options: { waitMs?: number; maxRecords?: number } = {}): Promise<ConsumedRecord[]> {
    if (this.#closed) throw new RivuletError("closed", "the consumer is closed");
    if (this.#memberId) {
      const membership = await this.#broker.groups.pollManaged(this.#options.groupId!, this.#memberId);
      if (membership.generation !== this.#generation) await this.#applyAssignment(membership.generation, membership.assignments);
    }
    // After the heartbeat, so the commit carries the current generation. Positions of
    // partitions just revoked are not committed: their new owner re-reads from the last
    // commit (the at-least-once window).
    if (this.#options.autoCommit && this.#options.groupId) await this.commit();
    const maxRecords = options.maxRecords ?? this.#options.maxRecords;
    let records = this.#drain(maxRecords);
    if (records.length > 0) return records;
    for (const cursor of this.#cursors.values()) this.#startFetch(cursor, options.waitMs ?? this.#options.waitMs);
    if (this.#cursors.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.waitMs ?? this.#options.waitMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
    } else {
      await new Promise((r) => setTimeout(r, Math.min(100, options.waitMs ?? this.#options.waitMs)));
    }
    records = this.#drain(maxRecords);
    return records;
  }

  /**
   * Commits positions (the next offset to read) for the group: the given ones, or every
   * assigned partition's position.
   */
  async commit(offsets?: Array<TopicPartition & { offset: number }>): Promise<void> {
    const groupId = this.#requireGroup();
    const entries = offsets ?? [...this.#cursors.values()].filter((c) => this.#pending.get(key(c.tp.topic, c.tp.partition)) !== c.position).map((c) => ({ ...c.tp, offset: c.position }));
    if (entries.length === 0) return;
    await this.#broker.groups.commitOffsets(groupId, this.#generation, this.#memberId ?? "", entries);
    for (const e of entries) this.#pending.set(key(e.topic, e.partition), e.offset);
  }

  /** Commits (with auto-commit), leaves the group and stops fetching. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#options.autoCommit && this.#options.groupId && this.#cursors.size > 0) await this.commit().catch(() => {});
    this.#closed = true;
    for (const cursor of this.#cursors.values()) cursor.abort.abort();
    if (this.#memberId) await this.#broker.groups.leaveGroup(this.#options.groupId!, [this.#memberId]).catch(() => {});
    this.#cursors.clear();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ConsumedRecord> {
    while (!this.#closed) {
      const records = await this.poll();
      for (const record of records) yield record;
    }
  }

  #requireGroup(): string {
    if (!this.#options.groupId) throw new RivuletError("invalid_request", "this consumer has no groupId");
    return this.#options.groupId;
  }

  async #applyAssignment(generation: number, partitions: TopicPartition[]): Promise<void> {
    const wanted = new Set(partitions.map((tp) => key(tp.topic, tp.partition)));
    for (const [k, cursor] of this.#cursors) {
      if (wanted.has(k)) continue;
      cursor.abort.abort();
      this.#cursors.delete(k);
    }
    this.#generation = generation;
    const fresh = partitions.filter((tp) => !this.#cursors.has(key(tp.topic, tp.partition)));
    if (fresh.length === 0) return;
    const committed = this.#options.groupId ? await this.#broker.groups.fetchOffsets(this.#options.groupId, fresh) : [];
    for (const tp of fresh) {
      const found = committed.find((c) => c.topic === tp.topic && c.partition === tp.partition);
      const start = found && found.offset >= 0 ? found.offset : await this.#resetOffset(tp);
      this.#pending.set(key(tp.topic, tp.partition), start);
      this.#cursors.set(key(tp.topic, tp.partition), { tp, fetchOffset: start, position: start, buffer: [], inflight: null, abort: new AbortController(), error: null });
    }
  }

  #resetOffset(tp: TopicPartition): Promise<number> {
    return this.#broker.listOffset(tp.topic, tp.partition, this.#options.fromBeginning ? "earliest" : "latest", { isolation: this.#options.isolation });
  }

  #startFetch(cursor: PartitionCursor, waitMs: number): void {
    if (cursor.inflight || cursor.buffer.length > 0) return;
    const signal = cursor.abort.signal;
    cursor.inflight = this.#broker
      .fetch(cursor.tp.topic, cursor.tp.partition, { offset: cursor.fetchOffset, maxRecords: this.#options.maxRecords, waitMs, signal, isolation: this.#options.isolation })
      .then(
        (result: FetchResult) => {
          if (signal.aborted) return;
          cursor.buffer.push(...result.records);
          cursor.fetchOffset = result.nextOffset;
        },
        async (error: unknown) => {
          if (signal.aborted) return;
          if (isRivuletError(error, "offset_out_of_range")) {
            cursor.fetchOffset = cursor.position = await this.#resetOffset(cursor.tp);
          } else if (!(isRivuletError(error) && error.retriable)) {
            cursor.error = error;
          }
        },
      )
      .finally(() => {
        if (signal.aborted) return;
        cursor.inflight = null;
        this.#wake?.();
      });
  }

  #drain(maxRecords: number): ConsumedRecord[] {
    const out: ConsumedRecord[] = [];
    for (const cursor of this.#cursors.values()) {
      if (cursor.error) {
        const error = cursor.error;
        cursor.error = null;
        throw error;
      }
      if (cursor.buffer.length === 0) continue;
      const take = cursor.buffer.splice(0, maxRecords - out.length);
      for (const record of take) out.push(record);
      cursor.position = take[take.length - 1].offset + 1;
      if (cursor.buffer.length === 0 && !cursor.inflight) this.#startFetch(cursor, 0);
      if (out.length >= maxRecords) break;
    }
    return out;
  }
}
