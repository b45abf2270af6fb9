/**
 * Committed offsets of every group, kept in memory for OffsetFetch and written through the
 * durable {@link OffsetStore} before a commit resolves. Offsets are in the group id namespace
 * only: Kafka-style and managed members of the same group id see the same offsets.
 *
 * Concurrent commits to one partition resolve in any order the store acknowledges them, but
 * memory keeps the one issued last (each commit carries a sequence number).
 */
import type { Clock } from "../core/clock.ts";
import { RivuletError } from "../core/errors.ts";
import type { Limits } from "../core/limits.ts";
import type { CommittedOffset, OffsetCommitEntry, TopicPartition } from "../broker/group-api.ts";
import type { OffsetStore } from "./offset-store.ts";

interface Slot {
  committed: CommittedOffset;
  seq: number;
}

const key = (topic: string, partition: number): string => `${topic}\0${partition}`;
const utf8 = new TextEncoder();

/**
 * Every group's committed offsets.
 *
 * @example
 * ```ts
 * const offsets = new GroupOffsets(store, systemClock, defaultLimits);
 * await offsets.load();
 * await offsets.commit("billing", [{ topic: "payments", partition: 0, offset: 42 }]);
 * ```
 */
export class GroupOffsets {
  #store: OffsetStore;
  #clock: Clock;
  #limits: Limits;
  #byGroup = new Map<string, Map<string, Slot>>();
  #seq = 0;

  /**
   * @param store where commits go durably
   * @param clock stamps commit timestamps
   * @param limits offsetMetadataBytesMax
   */
  constructor(store: OffsetStore, clock: Clock, limits: Limits) {
    this.#store = store;
    this.#clock = clock;
    this.#limits = limits;
  }

  /** Reads the store; offsets committed in this process since construction win over stored ones. */
  async load(): Promise<void> {
    for (const { groupId, ...committed } of await this.#store.load()) {
      const slots = this.#slots(groupId);
      const k = key(committed.topic, committed.partition);
      if (!slots.has(k)) slots.set(k, { committed, seq: 0 });
    }
  }

  /** True when the group has at least one committed offset. */
  has(groupId: string): boolean {
    return (this.#byGroup.get(groupId)?.size ?? 0) > 0;
  }

  /** Ids of groups with committed offsets. */
  groupIds(): string[] {
    return [...this.#byGroup.keys()].filter((id) => this.has(id));
  }

  /**
   * Checks commit entries without storing them.
   *
   * @throws {RivuletError} invalid_request (topic, partition, metadata), invalid_offset
   */
  validate(entries: OffsetCommitEntry[]): void {
    for (const e of entries) {
      if (typeof e.topic !== "string" || e.topic === "" || !Number.isInteger(e.partition) || e.partition < 0) {
        throw new RivuletError("invalid_request", `bad topic-partition ${String(e.topic)}-${String(e.partition)} in offset commit`);
      }
      if (!Number.isSafeInteger(e.offset) || e.offset < -2) {
        throw new RivuletError("invalid_offset", `offset ${String(e.offset)} for ${e.topic}-${e.partition} must be an integer of at least -2`, { topic: e.topic, partition: e.partition });
      }
      if (e.metadata != null && utf8.encode(e.metadata).length > this.#limits.offsetMetadataBytesMax) {
        throw new RivuletError("invalid_request", `offset metadata for ${e.topic}-${e.partition} exceeds ${this.#limits.offsetMetadataBytesMax} bytes`, { limit: "offsetMetadataBytesMax" });
      }
    }
  }

  /** Stores commits durably, then makes them visible. @throws {RivuletError} as {@link validate}; store errors pass through */
  async commit(groupId: string, entries: OffsetCommitEntry[]): Promise<void> {
    this.validate(entries);
    if (entries.length === 0) return;
    const seq = ++this.#seq;
    const commitTimestamp = this.#clock.now();
    const records = entries.map((e) => ({ groupId, topic: e.topic, partition: e.partition, offset: e.offset, metadata: e.metadata ?? null, commitTimestamp }));
    await this.#store.append(records);
    const slots = this.#slots(groupId);
    for (const { groupId: _, ...committed } of records) {
      const k = key(committed.topic, committed.partition);
      if ((slots.get(k)?.seq ?? -1) < seq) slots.set(k, { committed, seq });
    }
  }

  /** Committed offsets; `partitions` absent = all of the group's, sorted. Unknown → offset -1, metadata null. */
  fetch(groupId: string, partitions?: TopicPartition[]): CommittedOffset[] {
    const slots = this.#byGroup.get(groupId);
    if (partitions === undefined) {
      return [...(slots?.values() ?? [])].map((s) => ({ ...s.committed }))
        .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    }
    return partitions.map(({ topic, partition }) => {
      const slot = slots?.get(key(topic, partition));
      return slot ? { ...slot.committed } : { topic, partition, offset: -1, metadata: null, commitTimestamp: -1 };
    });
  }

  #slots(groupId: string): Map<string, Slot> {
    let slots = this.#byGroup.get(groupId);
    if (!slots) this.#byGroup.set(groupId, (slots = new Map()));
    return slots;
  }
}
