/**
 * The one error the client throws for a failed request: the server's problem document
 * (RFC 9457, with Rivulet's stable `code` and `retriable`) or the Durable Streams error body,
 * or a network failure (`status` 0, code `network_error`, retriable).
 */

/** Codes the client itself gives, besides the server's. */
export type ClientErrorCode = "network_error" | "timeout" | "aborted" | "bad_response";

/**
 * A failed request.
 *
 * @example
 * ```ts
 * try {
 *   await client.topics.describe("missing");
 * } catch (error) {
 *   if (error instanceof RivuletHttpError && error.code === "unknown_topic") console.log("no such topic");
 * }
 * ```
 */
export class RivuletHttpError extends Error {
  override name = "RivuletHttpError";
  /** HTTP status; 0 when no answer arrived. */
  readonly status: number;
  /** The server's stable code (`unknown_topic`, `out_of_order_sequence`, …) or a {@link ClientErrorCode}. */
  readonly code: string;
  /** Whether the same request may succeed if sent again. */
  readonly retriable: boolean;
  /** The problem's `details`, when the server gave some. */
  readonly details: Record<string, unknown>;
  /** Seconds the server asked to wait (`Retry-After`), when it did. */
  readonly retryAfterSeconds: number | null;

  /**
   * @param status HTTP status (0 for none)
   * @param code stable code
   * @param message a sentence for people
   * @param options retriable flag, details, Retry-After and the cause
   */
  constructor(status: number, code: string, message: string, options: { retriable?: boolean; details?: Record<string, unknown>; retryAfterSeconds?: number | null; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.retriable = options.retriable ?? retriableStatus(status);
    this.details = options.details ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }
}

/** Whether a status is worth retrying when the body does not say: no answer, 408, 429, 5xx. */
export function retriableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/**
 * The error for a non-2xx response, read from its body (a problem document, a Durable Streams
 * `{"error":{"code","message"}}`, or anything else).
 *
 * @param response the failed response (its body is consumed)
 * @returns the error to throw
 */
export async function errorFromResponse(response: Response): Promise<RivuletHttpError> {
  const text = await response.text().catch(() => "");
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === "object") body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: the status alone speaks.
  }
  const inner = body.error !== null && typeof body.error === "object" ? body.error as Record<string, unknown> : body;
  const code = typeof inner.code === "string" ? inner.code : `http_${response.status}`;
  const message = typeof inner.detail === "string" ? inner.detail : typeof inner.message === "string" ? inner.message : `${response.status} ${response.statusText}`.trim();
  const retryAfter = Number(response.headers.get("retry-after"));
  return new RivuletHttpError(response.status, code, message, {
    retriable: typeof body.retriable === "boolean" ? body.retriable : undefined,
    details: body.details !== null && typeof body.details === "object" ? body.details as Record<string, unknown> : undefined,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 && response.headers.has("retry-after") ? retryAfter : null,
  });
}

/** The error for a request that got no answer (refused, reset, DNS, TLS…). */
export function networkError(cause: unknown): RivuletHttpError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new RivuletHttpError(0, "network_error", `no answer: ${why}`, { retriable: true, cause });
}
