/** DeleteTopics (key 20). */

export interface DeleteTopicsRequest {
  topicNames: string[];
  timeoutMs: number;
}

export interface DeleteTopicsResponse {
  /** v1+ */
  throttleTimeMs: number;
  responses: Array<{ name: string; errorCode: number }>;
}
