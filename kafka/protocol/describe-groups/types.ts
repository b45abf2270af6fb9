/** DescribeGroups (key 15): state, protocol and members of groups. */

export interface DescribeGroupsRequest {
  groups: string[];
  /** v3+; false before. */
  includeAuthorizedOperations?: boolean;
}

export interface DescribedGroupMember {
  memberId: string;
  /** v4+ (static membership); null when absent. */
  groupInstanceId?: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Uint8Array;
  memberAssignment: Uint8Array;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  /** Empty, PreparingRebalance, CompletingRebalance, Stable or Dead (unknown groups). */
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribedGroupMember[];
  /** v3+: bit field of the ACL operations the caller may do; absent = not asked (INT32_MIN). */
  authorizedOperations?: number;
}

export interface DescribeGroupsResponse {
  /** v1+ */
  throttleTimeMs: number;
  groups: DescribedGroup[];
}
