/** ApiVersions (key 18): which versions of which APIs the broker speaks. */

/** v0-2 requests have no body; v3 names the client software. */
export interface ApiVersionsRequest {
  /** v3+ */
  clientSoftwareName?: string;
  /** v3+ */
  clientSoftwareVersion?: string;
}

/** One supported API. */
export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersionRange[];
  /** v1+ */
  throttleTimeMs: number;
}
