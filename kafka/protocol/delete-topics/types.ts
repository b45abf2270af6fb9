/** DeleteTopics (key 20). */

export interface DeleteTopicsRequest {
  topicNames: string[];
  timeoutMs: number;
}

export interface DeleteTopicsResponse {
  /** v1+ */
  throttleTimeMs: number;
  /** errorMessage is v5+. */
  responses: Array<{ name: string; errorCode: number; errorMessage?: string | null }>;
}
