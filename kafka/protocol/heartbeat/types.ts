/** Heartbeat (key 12): a member says it is alive; REBALANCE_IN_PROGRESS tells it to rejoin. */

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** v3+; null before. */
  groupInstanceId: string | null;
}

export interface HeartbeatResponse {
  /** v1+ */
  throttleTimeMs: number;
  errorCode: number;
}
