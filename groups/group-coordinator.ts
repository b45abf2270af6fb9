/**
 * The consumer-group coordinator: Kafka-style groups (JoinGroup/SyncGroup, client-side
 * assignment) for the Kafka listener, managed groups (server-side assignment) for HTTP and
 * programmatic consumers, and the committed offsets both kinds share by group id.
 *
 * A group id holds one kind of membership at a time; an empty group may switch kind, keeping
 * its generation and offsets. An empty group with no committed offsets is forgotten (Dead).
 *
 * Alone, a broker coordinates every group from one {@link GroupCoordinator.load} at open. In a
 * cluster ({@link GroupCoordinator.useCluster}) it coordinates them only while it leads
 * `__consumer_offsets` partition 0, as Kafka's GroupMetadataManager loads a partition's groups
 * when its broker becomes leader and unloads them on resignation: {@link GroupCoordinator.becomeLeader}
 * with a new leader epoch drops every group and offset held, loads the committed offsets again
 * up to the partition's committed end (requests wait), and {@link GroupCoordinator.resign}
 * drops them; requests then answer `not_coordinator` (Kafka's NOT_COORDINATOR, clients find the
 * coordinator again). Members of a dropped group are unknown to the next term: they rejoin.
 *
 * Not thread-safe: it lives on one event loop; state changes happen synchronously when a method
 * is called, and held requests settle later.
 */
import { type Clock, systemClock } from "../core/clock.ts";
import { RivuletError } from "../core/errors.ts";
import { defaultLimits, type Limits } from "../core/limits.ts";
import type { PartitionsOf } from "./assignors.ts";
import { Group } from "./group.ts";
import type { GroupContext, GroupMembership } from "./group-membership.ts";
import { coordinatorClosed, notCoordinator, unknownMember } from "./group-errors.ts";
import { GroupOffsets } from "./group-offsets.ts";
import { systemTimers, type Timers } from "./group-timers.ts";
import type {
  AssignorName, CommittedOffset, GroupCoordinatorApi, GroupDescription, GroupState, JoinGroupRequest,
  JoinGroupResponse, ManagedMembership, OffsetCommitEntry, SyncGroupRequest, TopicPartition,
} from "../broker/group-api.ts";
import type { OffsetStore } from "./offset-store.ts";
import { ManagedGroup } from "./managed-group.ts";

/** Options for {@link GroupCoordinator}. */
export interface GroupCoordinatorOptions {
  /** Durable committed offsets. */
  offsetStore: OffsetStore;
  /** Partition count of a topic, undefined when the topic does not exist. */
  partitionsOf: PartitionsOf;
  clock?: Clock;
  limits?: Limits;
  /** Session and rebalance timers; `setTimeout` by default. */
  timers?: Timers;
}

/**
 * Implements {@link GroupCoordinatorApi}.
 *
 * @example
 * ```ts
 * const coordinator = new GroupCoordinator({ offsetStore, partitionsOf: (t) => topics.get(t)?.partitions });
 * await coordinator.load();
 * const { memberId, assignments } = await coordinator.joinManaged("billing", ["payments"]);
 * ```
 */
export class GroupCoordinator implements GroupCoordinatorApi {
  #groups = new Map<string, GroupMembership>();
  #offsets: GroupOffsets;
  #offsetStore: OffsetStore;
  #clock: Clock;
  #partitionsOf: PartitionsOf;
  #limits: Limits;
  #ctx: GroupContext;
  #loading: Promise<void> | undefined;
  /** load() was called: requests wait for the committed offsets from then on. */
  #loadAsked = false;
  #loaded = false;
  #closed = false;
  /** "alone": every group, from the load at open; "leader"/"follower": in a cluster, leading `__consumer_offsets`/0 or not. */
  #role: "alone" | "leader" | "follower" = "alone";
  /** The leader epoch of `__consumer_offsets`/0 this coordinator leads at (-1 unless leader). */
  #epoch = -1;
  /** Bumped whenever the held state is dropped: a load begun in an older term changes nothing of the current one. */
  #term = 0;

  /** @param options the offset store, topic lookup, and optionally clock, limits and timers */
  constructor(options: GroupCoordinatorOptions) {
    const clock = options.clock ?? systemClock;
    this.#limits = options.limits ?? defaultLimits;
    this.#partitionsOf = options.partitionsOf;
    this.#offsetStore = options.offsetStore;
    this.#clock = clock;
    this.#offsets = new GroupOffsets(options.offsetStore, clock, this.#limits);
    this.#ctx = { clock, timers: options.timers ?? systemTimers, limits: this.#limits, onEmpty: (id) => this.#forgetIfUnused(id) };
  }

  /**
   * Reads committed offsets from the store (later calls reuse a load under way or done). Every
   * request made after the first call waits for it, so a broker serves while its offsets load;
   * a failed load fails the waiting requests, and the next request tries again.
   */
  load(): Promise<void> {
    if (this.#role === "follower") return Promise.reject(notCoordinator());
    this.#loadAsked = true;
    const term = this.#term;
    this.#loading ??= this.#offsets.load().then(
      () => {
        if (this.#term === term) this.#loaded = true;
      },
      (error: unknown) => {
        if (this.#term === term) this.#loading = undefined;
        throw error;
      },
    );
    return this.#loading;
  }

  /**
   * From now on the cluster says when this broker coordinates the groups: whatever it loaded
   * alone is dropped, and requests answer `not_coordinator` until {@link becomeLeader}.
   */
  useCluster(): void {
    if (this.#role !== "alone") return;
    this.#role = "follower";
    this.#drop();
  }

  /**
   * This broker leads `__consumer_offsets` partition 0 at `leaderEpoch` (its reconciler applied
   * the leader role): the groups and offsets held are dropped (held requests answer
   * `not_coordinator`) and the committed offsets load again up to the partition's committed
   * end; requests wait for the load. Nothing when it already leads at that epoch.
   */
  becomeLeader(leaderEpoch: number): void {
    if (this.#closed || this.#role === "alone" || (this.#role === "leader" && this.#epoch === leaderEpoch)) return;
    this.#drop();
    this.#role = "leader";
    this.#epoch = leaderEpoch;
    this.load().catch(() => {}); // its error reaches the requests, which await the load themselves
  }

  /** This broker no longer leads `__consumer_offsets` partition 0: groups and offsets are dropped, requests answer `not_coordinator`. */
  resign(): void {
    if (this.#role !== "leader") return;
    this.#role = "follower";
    this.#epoch = -1;
    this.#drop();
  }

  /** True while this broker coordinates the groups (alone, or leading `__consumer_offsets`/0 in a cluster). */
  get coordinating(): boolean {
    return !this.#closed && this.#role !== "follower";
  }

  /** Forgets every group and offset held and any load (a new term begins). */
  #drop(): void {
    this.#term++;
    for (const group of this.#groups.values()) group.close(notCoordinator());
    this.#groups.clear();
    this.#offsets = new GroupOffsets(this.#offsetStore, this.#clock, this.#limits);
    this.#loading = undefined;
    this.#loadAsked = false;
    this.#loaded = false;
  }

  /**
   * Whether a request must wait for the load before it runs. Checked before awaiting, so a
   * request on a loaded (or never loaded) coordinator runs synchronously up to its own first
   * await, as callers that drive timers by hand expect.
   *
   * @throws {RivuletError} `closed`, `not_coordinator` (in a cluster, while another broker coordinates)
   */
  #mustWait(): boolean {
    this.#open();
    if (this.#role === "follower") throw notCoordinator();
    return this.#loadAsked && !this.#loaded;
  }

  /**
   * Waits for the current term's load; a term that ended meanwhile hands over to the next one's
   * (or to `not_coordinator` once resigned: a load cut short by the resignation fails with the
   * partition's error, which is not the request's answer).
   */
  async #waitLoad(): Promise<void> {
    for (;;) {
      const term = this.#term;
      try {
        await this.load();
      } catch (error) {
        if (term === this.#term) throw error;
      }
      if (!this.#mustWait() && term === this.#term) return;
    }
  }

  async joinGroup(request: JoinGroupRequest): Promise<JoinGroupResponse> {
    if (this.#mustWait()) await this.#waitLoad();
    const group = this.#membership(request.groupId, "kafka") as Group;
    try {
      return group.join(request, `${request.clientId || "consumer"}-${crypto.randomUUID()}`);
    } finally {
      this.#forgetIfUnused(request.groupId);
    }
  }

  async syncGroup(request: SyncGroupRequest): Promise<Uint8Array> {
    if (this.#mustWait()) await this.#waitLoad();
    const group = this.#existing(request.groupId, request.memberId);
    if (!(group instanceof Group)) throw unknownMember(request.groupId, request.memberId);
    return group.sync(request);
  }

  async heartbeat(groupId: string, generationId: number, memberId: string): Promise<void> {
    if (this.#mustWait()) await this.#waitLoad();
    this.#existing(groupId, memberId).heartbeat(generationId, memberId);
  }

  async leaveGroup(groupId: string, memberIds: string[]): Promise<void> {
    if (this.#mustWait()) await this.#waitLoad();
    this.#existing(groupId, memberIds.join(", ")).leave(memberIds);
  }

  async joinManaged(groupId: string, topics: string[], options: { sessionTimeoutMs?: number; assignor?: AssignorName; clientId?: string } = {}): Promise<ManagedMembership> {
    if (this.#mustWait()) await this.#waitLoad();
    const group = this.#membership(groupId, "managed") as ManagedGroup;
    try {
      return group.join(`${options.clientId || "rivulet"}-${crypto.randomUUID()}`, topics, options);
    } finally {
      this.#forgetIfUnused(groupId);
    }
  }

  async pollManaged(groupId: string, memberId: string): Promise<ManagedMembership> {
    if (this.#mustWait()) await this.#waitLoad();
    const group = this.#existing(groupId, memberId);
    if (!(group instanceof ManagedGroup)) throw unknownMember(groupId, memberId);
    return group.poll(memberId);
  }

  /**
   * Commits offsets. Allowed: a member of the current generation (Kafka-style groups also during
   * PreparingRebalance, whose generation is still the previous one); generation -1 on a group
   * with no members ("simple" commits). Managed members may pass -1 for "my current generation";
   * either way they must own every partition they commit.
   */
  async commitOffsets(groupId: string, generationId: number, memberId: string, offsets: OffsetCommitEntry[]): Promise<void> {
    if (this.#mustWait()) await this.#waitLoad();
    checkGroupId(groupId, this.#limits);
    this.#offsets.validate(offsets);
    const group = this.#groups.get(groupId);
    if (group === undefined || group.state === "Empty") {
      if (generationId >= 0) throw unknownMember(groupId, memberId);
      if (group === undefined && !this.#offsets.has(groupId)) this.#checkGroupRoom();
    } else {
      group.checkCommit(generationId, memberId, offsets);
    }
    await this.#offsets.commit(groupId, offsets);
  }

  /**
   * Commits the offsets of a committed transaction (the transaction coordinator, after its
   * markers): no membership or generation check and no `groupsMax` check, since the offsets were
   * accepted by TxnOffsetCommit and the transaction's outcome is already decided. Durable on resolve;
   * writing the same offsets again (recovery) changes nothing.
   */
  async commitTransactionOffsets(groupId: string, offsets: OffsetCommitEntry[]): Promise<void> {
    if (this.#mustWait()) await this.#waitLoad();
    checkGroupId(groupId, this.#limits);
    await this.#offsets.commit(groupId, offsets);
  }

  /**
   * The membership check of {@link commitOffsets} without committing, for a transaction's offsets
   * (TxnOffsetCommit v3, KIP-447): a zombie consumer of an older generation cannot commit through a
   * transaction either. Generation -1 (older clients) is not checked.
   *
   * @throws {RivuletError} unknown_member, illegal_generation, rebalance_in_progress
   */
  async checkTransactionMember(groupId: string, generationId: number, memberId: string, offsets: OffsetCommitEntry[]): Promise<void> {
    if (this.#mustWait()) await this.#waitLoad();
    if (generationId < 0) return;
    const group = this.#groups.get(groupId);
    if (group === undefined || group.state === "Empty") throw unknownMember(groupId, memberId);
    group.checkCommit(generationId, memberId, offsets);
  }

  async fetchOffsets(groupId: string, partitions?: TopicPartition[]): Promise<CommittedOffset[]> {
    if (this.#mustWait()) await this.#waitLoad();
    return this.#offsets.fetch(groupId, partitions);
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    if (this.#mustWait()) await this.#waitLoad();
    const group = this.#groups.get(groupId);
    const offsets = this.#offsets.fetch(groupId);
    if (group === undefined) {
      const state: GroupState = offsets.length > 0 ? "Empty" : "Dead";
      return { groupId, state, protocolType: "", protocol: "", generationId: 0, members: [], offsets };
    }
    return { groupId, state: group.state, protocolType: group.protocolType, protocol: group.protocol, generationId: group.generation, members: group.describeMembers(), offsets };
  }

  /** The groups this broker coordinates: none (not `not_coordinator`) while another broker does, as Kafka's ListGroups answers on every broker. */
  async listGroups(): Promise<Array<{ groupId: string; protocolType: string; state: GroupState }>> {
    this.#open();
    if (this.#role === "follower") return [];
    if (this.#mustWait()) await this.#waitLoad();
    const listed = [...this.#groups.values()].map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: g.state }));
    for (const groupId of this.#offsets.groupIds()) {
      if (!this.#groups.has(groupId)) listed.push({ groupId, protocolType: "", state: "Empty" });
    }
    return listed.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const group of this.#groups.values()) group.close();
    this.#groups.clear();
  }

  /** The group's membership of this kind, creating or converting an empty one. */
  #membership(groupId: string, kind: "kafka" | "managed"): GroupMembership {
    this.#open();
    checkGroupId(groupId, this.#limits);
    const existing = this.#groups.get(groupId);
    if (existing?.kind === kind) return existing;
    if (existing && existing.size > 0) {
      const has = existing.kind === "kafka" ? "Kafka consumers" : "HTTP/programmatic (managed) members";
      throw new RivuletError("invalid_request", `group "${groupId}" has ${has}; a group cannot mix Kafka consumers with managed members`, { groupId, kind: existing.kind });
    }
    if (!existing && !this.#offsets.has(groupId)) this.#checkGroupRoom();
    existing?.close();
    const generation = existing?.generation ?? 0;
    const created = kind === "kafka" ? new Group(groupId, this.#ctx, generation) : new ManagedGroup(groupId, this.#ctx, this.#partitionsOf, generation);
    this.#groups.set(groupId, created);
    return created;
  }

  #existing(groupId: string, memberId: string): GroupMembership {
    this.#open();
    const group = this.#groups.get(groupId);
    if (!group) throw unknownMember(groupId, memberId);
    return group;
  }

  #checkGroupRoom(): void {
    const offsetOnly = this.#offsets.groupIds().filter((id) => !this.#groups.has(id)).length;
    if (this.#groups.size + offsetOnly >= this.#limits.groupsMax) {
      throw new RivuletError("too_many_groups", `the broker already tracks ${this.#limits.groupsMax} consumer groups`, { limit: "groupsMax", max: this.#limits.groupsMax });
    }
  }

  #forgetIfUnused(groupId: string): void {
    const group = this.#groups.get(groupId);
    if (group && group.size === 0 && group.state === "Empty" && !this.#offsets.has(groupId)) {
      group.close();
      this.#groups.delete(groupId);
    }
  }

  #open(): void {
    if (this.#closed) throw coordinatorClosed();
  }
}

function checkGroupId(groupId: string, limits: Limits): void {
  if (typeof groupId !== "string" || groupId === "" || groupId.length > limits.groupIdLengthMax) {
    throw new RivuletError("invalid_request", `a group id must be 1-${limits.groupIdLengthMax} characters`, { limit: "groupIdLengthMax" });
  }
}
