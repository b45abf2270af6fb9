/**
 * SaslAuthenticate (key 36): one SASL token from the client, one back from the broker, after a
 * SaslHandshake v1. A failed authentication is SASL_AUTHENTICATION_FAILED (58) with a message.
 */

export interface SaslAuthenticateRequest {
  authBytes: Uint8Array;
}

export interface SaslAuthenticateResponse {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Uint8Array;
  /** v1+: how long the session may last before the client must re-authenticate; 0 = no limit. */
  sessionLifetimeMs: number;
}
