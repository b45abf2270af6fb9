/** ListGroups (key 16): every group the coordinator knows. */

/** v0-3 requests have no body; v4 may filter by state. */
export interface ListGroupsRequest {
  /** v4+: only groups in these states ([] or absent = every group). */
  statesFilter?: string[];
}

export interface ListGroupsResponse {
  /** v1+ */
  throttleTimeMs: number;
  errorCode: number;
  /** groupState is v4+ (absent: "Empty"). */
  groups: Array<{ groupId: string; protocolType: string; groupState?: string }>;
}
