/**
 * The protocol's failures. Durable Streams prescribes status codes (400, 403, 404, 409, 410, 413)
 * and some response headers, but no body format; Rivulet answers with a small JSON body
 * `{"error":{"code","message"}}`, the shape the protocol's own reserved APIs use.
 */

/**
 * A request the protocol refuses, with the status and headers to answer with.
 *
 * @example
 * ```ts
 * throw new ProtocolError(409, "stream_closed", "the stream is closed", { "Stream-Closed": "true" });
 * ```
 */
export class ProtocolError extends Error {
  override name = "ProtocolError";
  /** The HTTP status the protocol prescribes. */
  readonly status: number;
  /** A stable code for programs. */
  readonly code: string;
  /** Headers the protocol requires on this answer (Stream-Closed, Producer-Epoch, …). */
  readonly headers: Record<string, string>;

  /**
   * @param status HTTP status
   * @param code stable code
   * @param message a sentence for people
   * @param headers extra response headers
   */
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/**
 * The response for a refused request; HEAD answers carry no body.
 *
 * @param error the refusal
 * @param head true for a HEAD request
 * @returns the response (common headers are added by the app)
 */
export function protocolErrorResponse(error: ProtocolError, head: boolean): Response {
  const headers = new Headers(error.headers);
  if (head) return new Response(null, { status: error.status, headers });
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify({ error: { code: error.code, message: error.message } }), { status: error.status, headers });
}
