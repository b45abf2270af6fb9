/**
 * SaslHandshake v1: the same layout as v0; it tells the broker that the SASL tokens will come
 * in SaslAuthenticate requests (with Kafka headers, so errors can be reported).
 *
 * ```
 * SaslHandshake Request (Version: 1) => mechanism
 * SaslHandshake Response (Version: 1) => error_code [mechanisms]
 * ```
 */
export { decodeRequest, encodeResponse } from "./v0.ts";
