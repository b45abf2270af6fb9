/** SyncGroup (key 14): the leader hands out assignments; every member gets its own. */

export interface SyncGroupAssignment {
  memberId: string;
  /** Opaque to the broker. */
  assignment: Uint8Array;
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** v3+; null before. */
  groupInstanceId: string | null;
  /** Only the leader sends entries. */
  assignments: SyncGroupAssignment[];
}

export interface SyncGroupResponse {
  /** v1+ */
  throttleTimeMs: number;
  errorCode: number;
  /** Empty bytes when the member has no entry. */
  assignment: Uint8Array;
}
