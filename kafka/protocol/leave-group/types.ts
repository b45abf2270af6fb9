/** LeaveGroup (key 13): members leave; the group rebalances. */

export interface LeaveGroupMember {
  memberId: string;
  /** v3+ */
  groupInstanceId: string | null;
}

export interface LeaveGroupRequest {
  groupId: string;
  /** v3+ a batch; before, the one member_id. */
  members: LeaveGroupMember[];
}

export interface LeaveGroupResponse {
  /** v1+ */
  throttleTimeMs: number;
  errorCode: number;
  /** v3+ per-member outcome. */
  members: Array<LeaveGroupMember & { errorCode: number }>;
}
