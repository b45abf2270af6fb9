/** ListGroups (key 16): every group the coordinator knows. */

/** v0-2 requests have no body. */
export type ListGroupsRequest = Record<string, never>;

export interface ListGroupsResponse {
  /** v1+ */
  throttleTimeMs: number;
  errorCode: number;
  groups: Array<{ groupId: string; protocolType: string }>;
}
