/** FindCoordinator (key 10): which broker coordinates a group (or transaction). */

export interface FindCoordinatorRequest {
  /** The group id (or transactional id). */
  key: string;
  /** v1+: 0 group, 1 transaction; 0 before. */
  keyType: number;
  /** v4+: the keys asked for in one request; `key` then holds the first. */
  keys?: string[];
}

/** One key's coordinator (v4+). */
export interface Coordinator {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
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
  /** v4+: one entry per key asked for (required for v4 responses). */
  coordinators?: Coordinator[];
}
