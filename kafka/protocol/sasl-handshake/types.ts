/**
 * SaslHandshake (key 17): the client names the SASL mechanism it wants; the broker answers with
 * the mechanisms it has enabled. v0: the SASL tokens that follow are raw size-prefixed frames
 * without a Kafka header; v1: they travel in SaslAuthenticate requests.
 */

export interface SaslHandshakeRequest {
  mechanism: string;
}

export interface SaslHandshakeResponse {
  errorCode: number;
  /** The mechanisms the broker has enabled (empty on a listener without SASL). */
  mechanisms: string[];
}
