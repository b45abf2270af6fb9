/**
 * One Kafka-style consumer group: members join with opaque protocol metadata, the leader
 * assigns partitions client-side and hands the result back through SyncGroup.
 *
 * States: Empty → PreparingRebalance → CompletingRebalance → Stable, and back to
 * PreparingRebalance whenever a member joins, leaves, changes its metadata or expires.
 * Joins are held until every known member has rejoined (or the rebalance timeout evicts the
 * stragglers); a group leaving Empty first waits `groupInitialRebalanceDelayMs`, extended
 * while new members keep arriving, so a fleet starting together rebalances once.
 * Syncs are held until the leader's assignments arrive.
 *
 * Not thread-safe: every method runs to completion synchronously; results that must wait
 * are promises settled later by other calls or timers.
 */
import { RivuletError } from "../core/errors.ts";
import type { GroupContext, GroupMembership } from "./group-membership.ts";
import { coordinatorClosed, illegalGeneration, rebalanceInProgress, unknownMember } from "./group-errors.ts";
import { GroupSessions } from "./group-sessions.ts";
import type { TimerHandle } from "./group-timers.ts";
import type { GroupMemberDescription, GroupState, JoinGroupRequest, JoinGroupResponse, SyncGroupRequest } from "../broker/group-api.ts";
import { checkJoinRequest, type Deferred, defer, describeKafkaMember, type KafkaMember, newKafkaMember, sameProtocols } from "./kafka-member.ts";

/**
 * A Kafka-style group's membership and rebalance state machine.
 *
 * @example
 * ```ts
 * const group = new Group("billing", context);
 * const joined = await group.join({ ...request, memberId: "" }, "consumer-1-0b6c…");
 * ```
 */
export class Group implements GroupMembership {
  readonly kind = "kafka";
  readonly groupId: string;
  #ctx: GroupContext;
  #state: GroupState = "Empty";
  #generation: number;
  #protocolType = "";
  #protocol = "";
  #leader = "";
  #members = new Map<string, KafkaMember>();
  /** Ids handed out with member_id_required, each with its expiry timer. */
  #pending = new Map<string, TimerHandle>();
  #sessions: GroupSessions;
  #joinTimer: TimerHandle | undefined;
  /** Initial-delay phase: a new member arrived since the last extension; budget left. */
  #initial: { newMemberAdded: boolean; remainingMs: number } | undefined;

  /**
   * @param groupId the group's id
   * @param ctx clock, timers, limits and the empty-group callback
   * @param generation the generation to continue from (0 for a new group)
   */
  constructor(groupId: string, ctx: GroupContext, generation = 0) {
    this.groupId = groupId;
    this.#ctx = ctx;
    this.#generation = generation;
    this.#sessions = new GroupSessions({
      clock: ctx.clock,
      timers: ctx.timers,
      onExpire: (memberId) => this.#remove(memberId, true),
      keepAlive: (memberId) => this.#members.get(memberId)?.joinWaiter !== undefined,
    });
  }

  get generation(): number { return this.#generation; }
  get state(): GroupState { return this.#state; }
  get protocolType(): string { return this.#protocolType; }
  get protocol(): string { return this.#protocol; }
  get size(): number { return this.#members.size + this.#pending.size; }

  /**
   * Kafka's JoinGroup. `newMemberId` is used when the request's member id is "".
   *
   * @throws {RivuletError} unknown_member, invalid_request (inconsistent protocols), too_many_members
   */
  join(request: JoinGroupRequest, newMemberId: string): Promise<JoinGroupResponse> {
    checkJoinRequest(request, this.#ctx.limits, this.groupId, this.#protocolType, [...this.#members.values()]);
    if (request.memberId === "") {
      if (this.size >= this.#ctx.limits.groupMembersMax) {
        throw new RivuletError("too_many_members", `group "${this.groupId}" already has ${this.size} members`, { limit: "groupMembersMax", max: this.#ctx.limits.groupMembersMax });
      }
      if (request.requireKnownMemberId) {
        this.#pending.set(newMemberId, this.#ctx.timers.set(() => this.#expirePending(newMemberId), request.sessionTimeoutMs));
        return Promise.resolve({ outcome: "member_id_required", generationId: -1, protocolName: "", leader: "", memberId: newMemberId, members: [] });
      }
      return this.#addMember(newMemberId, request);
    }
    const pending = this.#pending.get(request.memberId);
    if (pending) {
      this.#ctx.timers.cancel(pending);
      this.#pending.delete(request.memberId);
      return this.#addMember(request.memberId, request);
    }
    const member = this.#members.get(request.memberId);
    if (!member) throw unknownMember(this.groupId, request.memberId);
    const unchanged = sameProtocols(member.protocols, request.protocols);
    if (this.#state === "CompletingRebalance" && unchanged) return Promise.resolve(this.#joinResponse(member));
    if (this.#state === "Stable" && unchanged && member.id !== this.#leader) return Promise.resolve(this.#joinResponse(member));
    this.#update(member, request);
    const held = this.#hold(member);
    if (this.#state === "PreparingRebalance") this.#tryCompleteJoin();
    else this.#prepareRebalance();
    return held;
  }

  /**
   * Kafka's SyncGroup: resolves with this member's assignment once the leader has sent them.
   *
   * @throws {RivuletError} unknown_member, illegal_generation, rebalance_in_progress
   */
  sync(request: SyncGroupRequest): Promise<Uint8Array> {
    const member = this.#member(request.memberId);
    if (request.generationId !== this.#generation) throw illegalGeneration(this.groupId, request.generationId, this.#generation);
    if (this.#state === "PreparingRebalance") throw rebalanceInProgress(this.groupId);
    this.#sessions.touch(member.id, member.sessionTimeoutMs);
    if (this.#state === "Stable") return Promise.resolve(member.assignment);
    member.syncWaiter?.reject(rebalanceInProgress(this.groupId));
    const waiter = defer<Uint8Array>();
    member.syncWaiter = waiter;
    if (member.id === this.#leader) {
      const given = new Map(request.assignments.map((a) => [a.memberId, a.assignment]));
      this.#state = "Stable";
      for (const m of this.#members.values()) {
        m.assignment = given.get(m.id) ?? new Uint8Array(0);
        m.syncWaiter?.resolve(m.assignment);
        m.syncWaiter = undefined;
      }
    }
    return waiter.promise;
  }

  heartbeat(generationId: number, memberId: string): void {
    const member = this.#member(memberId);
    if (this.#state !== "PreparingRebalance" && generationId !== this.#generation) throw illegalGeneration(this.groupId, generationId, this.#generation);
    this.#sessions.touch(member.id, member.sessionTimeoutMs);
    if (this.#state !== "Stable") throw rebalanceInProgress(this.groupId);
  }

  leave(memberIds: string[]): void {
    const unknown: string[] = [];
    for (const id of memberIds) {
      const pending = this.#pending.get(id);
      if (pending) {
        this.#ctx.timers.cancel(pending);
        this.#pending.delete(id);
        this.#maybeEmpty();
      } else if (this.#members.has(id)) this.#remove(id, true);
      else unknown.push(id);
    }
    if (unknown.length > 0) throw new RivuletError("unknown_member", `not in group "${this.groupId}": ${unknown.join(", ")}`, { groupId: this.groupId, memberIds: unknown });
  }

  checkCommit(generationId: number, memberId: string): void {
    if (this.#state === "CompletingRebalance") throw rebalanceInProgress(this.groupId);
    const member = this.#member(memberId);
    if (generationId !== this.#generation) throw illegalGeneration(this.groupId, generationId, this.#generation);
    this.#sessions.touch(member.id, member.sessionTimeoutMs);
  }

  describeMembers(): GroupMemberDescription[] {
    return [...this.#members.values()].map((m) => describeKafkaMember(m, this.#protocol, this.#protocolType));
  }

  close(reason: RivuletError = coordinatorClosed()): void {
    if (this.#joinTimer) this.#ctx.timers.cancel(this.#joinTimer);
    this.#joinTimer = undefined;
    for (const timer of this.#pending.values()) this.#ctx.timers.cancel(timer);
    this.#pending.clear();
    this.#sessions.clear();
    for (const m of this.#members.values()) {
      m.joinWaiter?.reject(reason);
      m.syncWaiter?.reject(reason);
      m.joinWaiter = m.syncWaiter = undefined;
    }
  }

  #addMember(id: string, request: JoinGroupRequest): Promise<JoinGroupResponse> {
    const member = newKafkaMember(id, request);
    this.#update(member, request);
    this.#members.set(id, member);
    if (this.#members.size === 1) this.#protocolType = request.protocolType;
    if (this.#leader === "") this.#leader = id;
    if (this.#initial) this.#initial.newMemberAdded = true;
    const held = this.#hold(member);
    this.#sessions.touch(id, member.sessionTimeoutMs);
    if (this.#state === "PreparingRebalance") this.#tryCompleteJoin();
    else this.#prepareRebalance();
    return held;
  }

  #update(member: KafkaMember, request: JoinGroupRequest): void {
    member.protocols = request.protocols;
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs > 0 ? request.rebalanceTimeoutMs : this.#ctx.limits.rebalanceTimeoutMsDefault;
  }

  #hold(member: KafkaMember): Promise<JoinGroupResponse> {
    member.joinWaiter?.reject(rebalanceInProgress(this.groupId));
    const waiter: Deferred<JoinGroupResponse> = defer();
    member.joinWaiter = waiter;
    return waiter.promise;
  }

  #prepareRebalance(): void {
    if (this.#state === "CompletingRebalance") {
      for (const m of this.#members.values()) {
        m.assignment = new Uint8Array(0);
        m.syncWaiter?.reject(rebalanceInProgress(this.groupId));
        m.syncWaiter = undefined;
      }
    }
    const wasEmpty = this.#state === "Empty";
    this.#state = "PreparingRebalance";
    const rebalanceTimeoutMs = Math.max(0, ...[...this.#members.values()].map((m) => m.rebalanceTimeoutMs));
    const delayMs = this.#ctx.limits.groupInitialRebalanceDelayMs;
    if (this.#joinTimer) this.#ctx.timers.cancel(this.#joinTimer);
    if (wasEmpty && delayMs > 0) {
      this.#initial = { newMemberAdded: false, remainingMs: Math.max(rebalanceTimeoutMs - delayMs, 0) };
      this.#joinTimer = this.#ctx.timers.set(() => this.#initialDelayOver(), delayMs);
      return;
    }
    this.#joinTimer = this.#ctx.timers.set(() => this.#completeJoin(), rebalanceTimeoutMs);
    this.#tryCompleteJoin();
  }

  #initialDelayOver(): void {
    const initial = this.#initial!;
    if (initial.newMemberAdded && initial.remainingMs > 0) {
      const delayMs = Math.min(this.#ctx.limits.groupInitialRebalanceDelayMs, initial.remainingMs);
      this.#initial = { newMemberAdded: false, remainingMs: initial.remainingMs - delayMs };
      this.#joinTimer = this.#ctx.timers.set(() => this.#initialDelayOver(), delayMs);
      return;
    }
    this.#completeJoin();
  }

  #tryCompleteJoin(): void {
    if (this.#state !== "PreparingRebalance" || this.#initial || this.#pending.size > 0) return;
    for (const m of this.#members.values()) if (!m.joinWaiter) return;
    this.#completeJoin();
  }

  #completeJoin(): void {
    if (this.#joinTimer) this.#ctx.timers.cancel(this.#joinTimer);
    this.#joinTimer = undefined;
    this.#initial = undefined;
    for (const m of [...this.#members.values()]) if (!m.joinWaiter) this.#remove(m.id, false);
    this.#generation++;
    if (this.#members.size === 0) {
      this.#state = "Empty";
      this.#protocol = "";
      this.#leader = "";
      this.#maybeEmpty();
      return;
    }
    if (!this.#members.has(this.#leader)) this.#leader = this.#members.keys().next().value!;
    const leader = this.#members.get(this.#leader)!;
    this.#protocol = leader.protocols.find((p) => [...this.#members.values()].every((m) => m.protocols.some((q) => q.name === p.name)))!.name;
    this.#state = "CompletingRebalance";
    for (const m of this.#members.values()) {
      const waiter = m.joinWaiter!;
      m.joinWaiter = undefined;
      this.#sessions.touch(m.id, m.sessionTimeoutMs);
      waiter.resolve(this.#joinResponse(m));
    }
  }

  #joinResponse(member: KafkaMember): JoinGroupResponse {
    const members = member.id !== this.#leader ? [] : [...this.#members.values()].map((m) => ({
      memberId: m.id,
      metadata: m.protocols.find((p) => p.name === this.#protocol)!.metadata,
    }));
    return { outcome: "ok", generationId: this.#generation, protocolName: this.#protocol, leader: this.#leader, memberId: member.id, members };
  }

  /** Removes a member; `rebalance` is false when the join completion itself evicts stragglers. */
  #remove(memberId: string, rebalance: boolean): void {
    const member = this.#members.get(memberId);
    if (!member) return;
    this.#sessions.remove(memberId);
    this.#members.delete(memberId);
    member.joinWaiter?.reject(unknownMember(this.groupId, memberId));
    member.syncWaiter?.reject(unknownMember(this.groupId, memberId));
    member.joinWaiter = member.syncWaiter = undefined;
    if (memberId === this.#leader) this.#leader = this.#members.keys().next().value ?? "";
    if (!rebalance) return;
    if (this.#state === "PreparingRebalance") this.#tryCompleteJoin();
    else if (this.#state !== "Empty") this.#prepareRebalance();
  }

  #expirePending(memberId: string): void {
    this.#pending.delete(memberId);
    this.#tryCompleteJoin();
    this.#maybeEmpty();
  }

  #maybeEmpty(): void {
    if (this.#state === "Empty" && this.size === 0) this.#ctx.onEmpty(this.groupId);
  }

  #member(memberId: string): KafkaMember {
    const member = this.#members.get(memberId);
    if (!member) throw unknownMember(this.groupId, memberId);
    return member;
  }
}
