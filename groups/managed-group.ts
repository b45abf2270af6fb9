/**
 * A managed group: HTTP and programmatic consumers whose partitions the coordinator assigns
 * itself (protocol type "rivulet"). Rebalancing is eager: every join, leave or session expiry
 * bumps the generation and recomputes every member's assignment at once; members learn theirs
 * on their next poll. A commit for a partition the member does not own in the current
 * generation is refused, so a member that missed a rebalance cannot overwrite the new owner.
 *
 * Not thread-safe: every method runs to completion synchronously.
 */
import { RivuletError } from "../core/errors.ts";
import { assignPartitions, type PartitionsOf } from "./assignors.ts";
import { encodeAssignment, encodeSubscription } from "./consumer-protocol.ts";
import type { GroupContext, GroupMembership } from "./group-membership.ts";
import { illegalGeneration, unknownMember } from "./group-errors.ts";
import { GroupSessions } from "./group-sessions.ts";
import type { AssignorName, GroupMemberDescription, GroupState, ManagedMembership, TopicPartition } from "../broker/group-api.ts";

interface ManagedMember {
  id: string;
  clientId: string;
  topics: string[];
  sessionTimeoutMs: number;
  assignments: TopicPartition[];
}

/** The protocol type managed groups report. */
export const managedProtocolType = "rivulet";

/**
 * The membership of a managed group.
 *
 * @example
 * ```ts
 * const group = new ManagedGroup("billing", context, (topic) => partitionCounts.get(topic));
 * const { memberId, generation, assignments } = group.join("http-0b6c…", ["payments"], {});
 * ```
 */
export class ManagedGroup implements GroupMembership {
  readonly kind = "managed";
  readonly protocolType = managedProtocolType;
  readonly groupId: string;
  #ctx: GroupContext;
  #partitionsOf: PartitionsOf;
  #generation: number;
  #assignor: AssignorName = "range";
  #members = new Map<string, ManagedMember>();
  #sessions: GroupSessions;

  /**
   * @param groupId the group's id
   * @param ctx clock, timers, limits and the empty-group callback
   * @param partitionsOf partition count of a topic, undefined when unknown
   * @param generation the generation to continue from
   */
  constructor(groupId: string, ctx: GroupContext, partitionsOf: PartitionsOf, generation = 0) {
    this.groupId = groupId;
    this.#ctx = ctx;
    this.#partitionsOf = partitionsOf;
    this.#generation = generation;
    this.#sessions = new GroupSessions({ clock: ctx.clock, timers: ctx.timers, onExpire: (id) => this.#remove(id) });
  }

  get generation(): number { return this.#generation; }
  get state(): GroupState { return this.#members.size > 0 ? "Stable" : "Empty"; }
  get protocol(): string { return this.#members.size > 0 ? this.#assignor : ""; }
  get size(): number { return this.#members.size; }

  /**
   * Adds a member and rebalances. The first member's assignor (default range) is the group's.
   *
   * @throws {RivuletError} invalid_request (bad topics, session timeout, or another assignor than the group's), unknown_topic, too_many_members
   */
  join(memberId: string, topics: string[], options: { sessionTimeoutMs?: number; assignor?: AssignorName; clientId?: string }): ManagedMembership {
    const limits = this.#ctx.limits;
    const sessionTimeoutMs = options.sessionTimeoutMs ?? limits.sessionTimeoutMsDefault;
    if (!(sessionTimeoutMs >= limits.sessionTimeoutMsMin && sessionTimeoutMs <= limits.sessionTimeoutMsMax)) {
      throw new RivuletError("invalid_request", `session timeout ${sessionTimeoutMs} ms is outside ${limits.sessionTimeoutMsMin}-${limits.sessionTimeoutMsMax} ms`, { sessionTimeoutMs });
    }
    if (!Array.isArray(topics) || topics.length === 0 || !topics.every((t) => typeof t === "string" && t !== "")) {
      throw new RivuletError("invalid_request", "a member must subscribe to at least one topic, given by name");
    }
    const unknown = topics.filter((t) => this.#partitionsOf(t) === undefined);
    if (unknown.length > 0) throw new RivuletError("unknown_topic", `unknown topic(s): ${unknown.join(", ")}`, { topics: unknown });
    if (options.assignor !== undefined && options.assignor !== "range" && options.assignor !== "roundrobin") {
      throw new RivuletError("invalid_request", `unknown assignor "${String(options.assignor)}": use range or roundrobin`);
    }
    if (this.#members.size > 0 && options.assignor !== undefined && options.assignor !== this.#assignor) {
      throw new RivuletError("invalid_request", `group "${this.groupId}" assigns with ${this.#assignor}, not ${options.assignor}`, { groupId: this.groupId, assignor: this.#assignor });
    }
    if (this.#members.size >= limits.groupMembersMax) {
      throw new RivuletError("too_many_members", `group "${this.groupId}" already has ${this.#members.size} members`, { limit: "groupMembersMax", max: limits.groupMembersMax });
    }
    if (this.#members.size === 0) this.#assignor = options.assignor ?? "range";
    const member: ManagedMember = { id: memberId, clientId: options.clientId ?? "", topics: [...new Set(topics)], sessionTimeoutMs, assignments: [] };
    this.#members.set(memberId, member);
    this.#sessions.touch(memberId, sessionTimeoutMs);
    this.#rebalance();
    return this.#view(member);
  }

  /** The member's heartbeat: extends its session and returns its current view. @throws {RivuletError} unknown_member */
  poll(memberId: string): ManagedMembership {
    const member = this.#member(memberId);
    this.#sessions.touch(memberId, member.sessionTimeoutMs);
    return this.#view(member);
  }

  heartbeat(generationId: number, memberId: string): void {
    const member = this.#member(memberId);
    if (generationId !== this.#generation) throw illegalGeneration(this.groupId, generationId, this.#generation);
    this.#sessions.touch(memberId, member.sessionTimeoutMs);
  }

  leave(memberIds: string[]): void {
    const unknown = memberIds.filter((id) => !this.#members.has(id));
    for (const id of memberIds) if (this.#members.has(id)) this.#remove(id);
    if (unknown.length > 0) throw new RivuletError("unknown_member", `not in group "${this.groupId}": ${unknown.join(", ")}`, { groupId: this.groupId, memberIds: unknown });
  }

  /** Generation -1 means "the current one"; ownership is checked either way. */
  checkCommit(generationId: number, memberId: string, partitions: TopicPartition[]): void {
    const member = this.#member(memberId);
    if (generationId !== -1 && generationId !== this.#generation) throw illegalGeneration(this.groupId, generationId, this.#generation);
    const owned = new Set(member.assignments.map((tp) => `${tp.topic}\0${tp.partition}`));
    const notOwned = partitions.filter((tp) => !owned.has(`${tp.topic}\0${tp.partition}`));
    if (notOwned.length > 0) {
      throw new RivuletError("illegal_generation", `member "${memberId}" does not own ${notOwned.map((tp) => `${tp.topic}-${tp.partition}`).join(", ")} in generation ${this.#generation}: poll for the new assignment`, { groupId: this.groupId, memberId, generation: this.#generation, partitions: notOwned });
    }
    this.#sessions.touch(memberId, member.sessionTimeoutMs);
  }

  describeMembers(): GroupMemberDescription[] {
    return [...this.#members.values()].map((m) => ({
      memberId: m.id,
      clientId: m.clientId,
      clientHost: "",
      metadata: encodeSubscription({ version: 0, topics: m.topics, userData: null }),
      assignment: encodeAssignment({ version: 0, partitions: m.assignments, userData: null }),
      assignments: m.assignments.map((tp) => ({ ...tp })),
    }));
  }

  close(): void {
    this.#sessions.clear();
  }

  #remove(memberId: string): void {
    this.#sessions.remove(memberId);
    if (!this.#members.delete(memberId)) return;
    this.#rebalance();
    if (this.#members.size === 0) this.#ctx.onEmpty(this.groupId);
  }

  #rebalance(): void {
    this.#generation++;
    const members = [...this.#members.values()];
    const result = assignPartitions(this.#assignor, members.map((m) => ({ memberId: m.id, topics: m.topics })), this.#partitionsOf);
    for (const m of members) m.assignments = result.get(m.id) ?? [];
  }

  #view(member: ManagedMember): ManagedMembership {
    return { memberId: member.id, generation: this.#generation, assignments: member.assignments.map((tp) => ({ ...tp })) };
  }

  #member(memberId: string): ManagedMember {
    const member = this.#members.get(memberId);
    if (!member) throw unknownMember(this.groupId, memberId);
    return member;
  }
}
