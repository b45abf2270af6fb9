/**
 * The consumer-group coordinator's contract, shared by the Kafka listener (client-side
 * assignment: JoinGroup/SyncGroup with opaque metadata), and by HTTP and programmatic
 * consumers ("managed" members: the coordinator assigns partitions itself).
 * Implemented by `GroupCoordinator` (groups/group-coordinator.ts). It lives here, on the broker's
 * floor, because the broker facade exposes it (`BrokerApi.groups`) and the broker's `Consumer`
 * uses it; groups/ sits above broker/ (committed offsets are records written through the broker).
 */

/** A topic-partition. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/** Kafka group states. */
export type GroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable" | "Dead";

/** How managed groups split partitions. */
export type AssignorName = "range" | "roundrobin";

export interface JoinGroupRequest {
  groupId: string;
  /** "" for a new member. */
  memberId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Array<{ name: string; metadata: Uint8Array }>;
  clientId?: string;
  clientHost?: string;
  /** Kafka v4+: a new member first gets MEMBER_ID_REQUIRED with its id. */
  requireKnownMemberId?: boolean;
}

export interface JoinGroupResponse {
  /** 0, or a Kafka-style outcome the listener maps (e.g. `member_id_required`). */
  outcome: "ok" | "member_id_required";
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  /** Non-empty for the leader only. */
  members: Array<{ memberId: string; metadata: Uint8Array }>;
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** Only the leader sends entries. */
  assignments: Array<{ memberId: string; assignment: Uint8Array }>;
}

export interface OffsetCommitEntry extends TopicPartition {
  offset: number;
  metadata?: string | null;
}

export interface CommittedOffset extends TopicPartition {
  /** -1 when nothing is committed. */
  offset: number;
  metadata: string | null;
  commitTimestamp: number;
}

export interface GroupMemberDescription {
  memberId: string;
  clientId: string;
  clientHost: string;
  metadata: Uint8Array;
  assignment: Uint8Array;
  /** Decoded assignment for managed members (and consumer-protocol Kafka members when decodable). */
  assignments: TopicPartition[];
}

export interface GroupDescription {
  groupId: string;
  state: GroupState;
  protocolType: string;
  protocol: string;
  generationId: number;
  members: GroupMemberDescription[];
  offsets: CommittedOffset[];
}

/** A managed member's view after joining or polling. */
export interface ManagedMembership {
  memberId: string;
  generation: number;
  assignments: TopicPartition[];
}

/**
 * The coordinator's operations. Errors are RivuletErrors: unknown_member (also for a group that
 * does not exist: Kafka clients rejoin on it), illegal_generation, rebalance_in_progress
 * (retriable: Kafka clients rejoin), invalid_request (bad input, inconsistent protocols, mixing
 * Kafka and managed members in one group), invalid_offset, unknown_topic (joinManaged),
 * too_many_members (`groupMembersMax`, Kafka's GROUP_MAX_SIZE_REACHED), too_many_groups
 * (`groupsMax`), closed. State changes happen when a method is called; only held JoinGroup and
 * SyncGroup results (and commits, until the store acknowledges) settle later.
 */
export interface GroupCoordinatorApi {
  // Kafka-style (client-side assignment)
  joinGroup(request: JoinGroupRequest): Promise<JoinGroupResponse>;
  syncGroup(request: SyncGroupRequest): Promise<Uint8Array>;
  heartbeat(groupId: string, generationId: number, memberId: string): Promise<void>;
  /** Removes the members and rebalances; unknown ids → unknown_member (after removing the known ones). */
  leaveGroup(groupId: string, memberIds: string[]): Promise<void>;
  // Managed (server-side assignment: HTTP and programmatic consumers)
  /**
   * Adds a managed member (id `${clientId ?? "rivulet"}-${uuid}`); every join, leave and session
   * expiry bumps the generation and reassigns at once. The first member's assignor (default
   * range) is the group's: another explicit one → invalid_request. Unknown topics → unknown_topic.
   */
  joinManaged(groupId: string, topics: string[], options?: { sessionTimeoutMs?: number; assignor?: AssignorName; clientId?: string }): Promise<ManagedMembership>;
  /** A heartbeat that also returns the member's current generation and assignments. */
  pollManaged(groupId: string, memberId: string): Promise<ManagedMembership>;
  // Both
  /**
   * Commits durably (resolves after the coordinator's offset store appends them). Accepted: a member of the current
   * generation (Kafka-style: also during PreparingRebalance, when that is still the previous
   * one; CompletingRebalance → rebalance_in_progress); generation -1 (any member id) when the
   * group has no members. A managed member may pass -1 for "my current generation", and must own
   * every partition it commits in the current generation, else illegal_generation.
   * Offsets -1 and -2 are stored as given; below -2 → invalid_offset.
   */
  commitOffsets(groupId: string, generationId: number, memberId: string, offsets: OffsetCommitEntry[]): Promise<void>;
  /** Committed offsets; `partitions` absent = all of the group's. Unknown → offset -1. */
  fetchOffsets(groupId: string, partitions?: TopicPartition[]): Promise<CommittedOffset[]>;
  /** Unknown group → state "Dead", no members; a group with only committed offsets → "Empty". */
  describeGroup(groupId: string): Promise<GroupDescription>;
  listGroups(): Promise<Array<{ groupId: string; protocolType: string; state: GroupState }>>;
  close(): Promise<void>;
}
