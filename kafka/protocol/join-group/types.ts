/** JoinGroup (key 11): join a consumer group and learn the generation, leader and members. */

export interface JoinGroupProtocol {
  name: string;
  /** Opaque to the broker (the consumer protocol's subscription). */
  metadata: Uint8Array;
}

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  /** v1+; the session timeout before. */
  rebalanceTimeoutMs: number;
  /** "" for a new member. */
  memberId: string;
  /** v5+ (static membership); null before. */
  groupInstanceId: string | null;
  protocolType: string;
  protocols: JoinGroupProtocol[];
}

export interface JoinGroupMember {
  memberId: string;
  /** v5+ */
  groupInstanceId: string | null;
  metadata: Uint8Array;
}

export interface JoinGroupResponse {
  /** v2+ */
  throttleTimeMs: number;
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  /** The leader's list; [] for followers. */
  members: JoinGroupMember[];
}
