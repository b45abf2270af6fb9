/**
 * Header names of the protocol, and the headers every answer carries: CORS for browser clients
 * (any origin, the protocol's headers allowed and exposed) and the browser security headers of
 * PROTOCOL.md §10.7.
 */

export const H = {
  nextOffset: "Stream-Next-Offset",
  upToDate: "Stream-Up-To-Date",
  cursor: "Stream-Cursor",
  closed: "Stream-Closed",
  ttl: "Stream-TTL",
  expiresAt: "Stream-Expires-At",
  seq: "Stream-Seq",
  forkedFrom: "Stream-Forked-From",
  forkOffset: "Stream-Fork-Offset",
  forkSubOffset: "Stream-Fork-Sub-Offset",
  sseEncoding: "Stream-SSE-Data-Encoding",
  producerId: "Producer-Id",
  producerEpoch: "Producer-Epoch",
  producerSeq: "Producer-Seq",
  expectedSeq: "Producer-Expected-Seq",
  receivedSeq: "Producer-Received-Seq",
} as const;

const REQUEST_HEADERS = [
  "content-type", "authorization", "if-none-match", H.seq, H.ttl, H.expiresAt, H.closed, H.producerId, H.producerEpoch,
  H.producerSeq, H.forkedFrom, H.forkOffset, H.forkSubOffset,
].join(", ");

const EXPOSED_HEADERS = [
  H.nextOffset, H.cursor, H.upToDate, H.closed, H.ttl, H.expiresAt, H.sseEncoding, H.producerEpoch, H.producerSeq,
  H.expectedSeq, H.receivedSeq, "etag", "location", "content-type", "www-authenticate",
].join(", ");

/** Sets the headers every answer carries (CORS, nosniff, CORP) on `headers`. */
export function applyCommonHeaders(headers: Headers): void {
  headers.set("access-control-allow-origin", "*");
  headers.set("access-control-expose-headers", EXPOSED_HEADERS);
  headers.set("x-content-type-options", "nosniff");
  headers.set("cross-origin-resource-policy", "cross-origin");
}

/** The answer to a CORS preflight (OPTIONS). */
export function preflightResponse(): Response {
  return new Response(null, {
    status: 204,
    headers: {
      "access-control-allow-methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
      "access-control-allow-headers": REQUEST_HEADERS,
      "access-control-max-age": "86400",
    },
  });
}
