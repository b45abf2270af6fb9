/**
 * The consumer-group coordinator's contract, shared by the Kafka listener (client-side
 * assignment: JoinGroup/SyncGroup with opaque metadata), and by HTTP and programmatic
 * consumers ("managed" members: the coordinator assigns partitions itself).
 * Implemented by `GroupCoordinator` (broker/group-coordinator.ts).
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

/** Durable storage of committed offsets (an internal compacted topic in the broker). */
export interface OffsetStore {
  /** Every committed offset, latest per group/topic/partition, as stored. */
  load(): Promise<Array<CommittedOffset & { groupId: string }>>;
  /** Appends commits durably; resolves once acknowledged. */
  append(entries: Array<CommittedOffset & { groupId: string }>): Promise<void>;
}

/** The coordinator's operations. Errors are RivuletErrors: unknown_group, unknown_member, illegal_generation, rebalance_in_progress, invalid_request. */
export interface GroupCoordinatorApi {
  // Kafka-style (client-side assignment)
  joinGroup(request: JoinGroupRequest): Promise<JoinGroupResponse>;
  syncGroup(request: SyncGroupRequest): Promise<Uint8Array>;
  heartbeat(groupId: string, generationId: number, memberId: string): Promise<void>;
  leaveGroup(groupId: string, memberIds: string[]): Promise<void>;
  // Managed (server-side assignment: HTTP and programmatic consumers)
  joinManaged(groupId: string, topics: string[], options?: { sessionTimeoutMs?: number; assignor?: AssignorName; clientId?: string }): Promise<ManagedMembership>;
  /** A heartbeat that also returns the member's current generation and assignments. */
  pollManaged(groupId: string, memberId: string): Promise<ManagedMembership>;
  // Both
  commitOffsets(groupId: string, generationId: number, memberId: string, offsets: OffsetCommitEntry[]): Promise<void>;
  /** Committed offsets; `partitions` absent = all of the group's. Unknown → offset -1. */
  fetchOffsets(groupId: string, partitions?: TopicPartition[]): Promise<CommittedOffset[]>;
  describeGroup(groupId: string): Promise<GroupDescription>;
  listGroups(): Promise<Array<{ groupId: string; protocolType: string; state: GroupState }>>;
  close(): Promise<void>;
}
