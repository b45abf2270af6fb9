/**
 * Any failure as a protocol answer: a {@link ProtocolError} as itself, a broker error by its
 * code (a stream's topic vanishing mid-request reads as 404, size limits as 413, a restarting
 * partition as 503, a refused token as 401 and a missing right as 403), anything else as 500 without its message (logged instead).
 */
import { isRivuletError, type ErrorCode } from "../core/errors.ts";
import { ProtocolError, protocolErrorResponse } from "./protocol-error.ts";

const statusOf: Partial<Record<ErrorCode, number>> = {
  unauthorized: 401,
  forbidden: 403,
  unknown_topic: 404,
  not_found: 404,
  request_too_large: 413,
  record_too_large: 413,
  invalid_request: 400,
  invalid_record: 400,
  invalid_offset: 400,
  offset_out_of_range: 400,
  partition_unavailable: 503,
  actor_restarting: 503,
  mailbox_full: 503,
  timeout: 503,
  closed: 503,
};

/**
 * The answer for `error`.
 *
 * @param error what a handler threw
 * @param head true for a HEAD request (no body)
 * @returns the response
 */
export function errorResponse(error: unknown, head: boolean): Response {
  if (error instanceof ProtocolError) return protocolErrorResponse(error, head);
  if (isRivuletError(error)) {
    const status = statusOf[error.code] ?? 500;
    const headers: Record<string, string> = status === 503 ? { "retry-after": "1" } : status === 401 ? { "www-authenticate": 'Bearer realm="rivulet"' } : {};
    return protocolErrorResponse(new ProtocolError(status, error.code, error.message, headers), head);
  }
  console.error("durable streams: unexpected error", error);
  return protocolErrorResponse(new ProtocolError(500, "internal", "the server failed; see its log"), head);
}
