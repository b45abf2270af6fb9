/**
 * Per-member state the HTTP layer keeps for managed group members: where each member is in
 * each of its assigned partitions (the next offset to hand it), its reset policy and its last
 * known generation. The coordinator owns membership and commits; this is only the read
 * position, as a Kafka client keeps it. Not thread-safe (main thread only).
 */

/** Where a member with no committed offset starts. */
export type OffsetReset = "earliest" | "latest";

/** One member's state. */
export interface MemberState {
  groupId: string;
  memberId: string;
  reset: OffsetReset;
  sessionTimeoutMs: number;
  generation: number;
  /** Next offset to hand out, by `topic\u0000partition`. */
  positions: Map<string, number>;
  lastSeenMs: number;
}

/** The key of a topic-partition in {@link MemberState.positions}. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** Every member's state, forgotten after leave or a long silence. */
export class MemberPositions {
  #members = new Map<string, MemberState>();

  static #key(groupId: string, memberId: string): string {
    return `${groupId}\u0000${memberId}`;
  }

  /** The state of a member, if known. */
  get(groupId: string, memberId: string): MemberState | undefined {
    return this.#members.get(MemberPositions.#key(groupId, memberId));
  }

  /** Starts tracking a member. */
  add(state: MemberState): void {
    this.#members.set(MemberPositions.#key(state.groupId, state.memberId), state);
  }

  /** Forgets a member. */
  delete(groupId: string, memberId: string): void {
    this.#members.delete(MemberPositions.#key(groupId, memberId));
  }

  /**
   * Forgets members silent for twice their session timeout (the coordinator has evicted them
   * by then), so the table stays bounded by the live members.
   */
  sweep(nowMs: number): void {
    for (const [key, state] of this.#members) {
      if (nowMs - state.lastSeenMs > 2 * state.sessionTimeoutMs) this.#members.delete(key);
    }
  }

  /** Members tracked. */
  get size(): number {
    return this.#members.size;
  }
}
