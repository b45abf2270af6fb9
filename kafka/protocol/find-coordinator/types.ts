/** FindCoordinator (key 10): which broker coordinates a group (or transaction). */

export interface FindCoordinatorRequest {
  /** The group id (or transactional id). */
  key: string;
  /** v1+: 0 group, 1 transaction; 0 before. */
  keyType: number;
}

export interface FindCoordinatorResponse {
  /** v1+ */
  throttleTimeMs: number;
  errorCode: number;
  /** v1+ */
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}
