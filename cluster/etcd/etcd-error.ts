/**
 * THE one mapping from etcd's failures to {@link RivuletError}s. The gateway answers a failed
 * call with an HTTP status and `{"error", "message", "code"}` where `code` is the gRPC status
 * code; a failure inside a watch stream comes as a line `{"error": {"grpc_code", "message"}}`.
 *
 * | gRPC code | examples from etcd | Rivulet code |
 * |---|---|---|
 * | 3 INVALID_ARGUMENT | "too many operations in txn", "key is not provided" | invalid_request |
 * | 4 DEADLINE_EXCEEDED | "request timed out" | timeout |
 * | 5 NOT_FOUND | "requested lease not found" | not_found |
 * | 6 ALREADY_EXISTS, 9 FAILED_PRECONDITION | "lease already exists" | conflict |
 * | 7 PERMISSION_DENIED / 16 UNAUTHENTICATED | auth enabled on etcd | forbidden / unauthorized |
 * | 8 RESOURCE_EXHAUSTED | "database space exceeded" | storage_error |
 * | 11 OUT_OF_RANGE, "compacted" | "mvcc: required revision has been compacted" | revision_compacted |
 * | 11 OUT_OF_RANGE, other | "mvcc: required revision is a future revision" | invalid_request |
 * | 14 UNAVAILABLE, 10 ABORTED, 1, 2, 13, other | "no leader", "leader changed" | coordination_unavailable |
 *
 * A connection that fails (refused, reset) is `coordination_unavailable`; the caller's own
 * timeout is `timeout`; the caller's signal is `closed`. Retriable codes may be retried as they
 * are (a write retried after `timeout` or `coordination_unavailable` may have been applied:
 * guard writes with a txn when that matters).
 */
import { type ErrorCode, RivuletError } from "../../core/errors.ts";

/** The Rivulet code for an etcd gRPC status code and message. */
export function codeOfGrpc(grpcCode: number, message: string): ErrorCode {
  switch (grpcCode) {
    case 3:
      return "invalid_request";
    case 4:
      return "timeout";
    case 5:
      return "not_found";
    case 6:
    case 9:
      return "conflict";
    case 7:
      return "forbidden";
    case 8:
      return "storage_error";
    case 11:
      return /compacted/.test(message) ? "revision_compacted" : "invalid_request";
    case 16:
      return "unauthorized";
    default:
      return "coordination_unavailable";
  }
}

/**
 * The error for a gateway answer that is not a success.
 *
 * @param status the HTTP status
 * @param body the parsed body, or null when it was not JSON
 * @param path the gateway path called, for the message
 */
export function etcdError(status: number, body: unknown, path: string): RivuletError {
  const fields = (body !== null && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const grpc = typeof fields.code === "number" ? fields.code : typeof fields.grpc_code === "number" ? fields.grpc_code : undefined;
  const message = typeof fields.message === "string" ? fields.message : typeof fields.error === "string" ? fields.error : `HTTP ${status}`;
  const code = grpc !== undefined ? codeOfGrpc(grpc, message) : status >= 500 || status === 429 ? "coordination_unavailable" : "invalid_request";
  return new RivuletError(code, `etcd ${path}: ${message}`, { etcd_status: status, ...(grpc !== undefined ? { grpc_code: grpc } : {}) });
}

/**
 * The error for a request that did not get an answer: the caller gave up (`closed`), the time
 * ran out (`timeout`), or the connection failed (`coordination_unavailable`).
 */
export function etcdTransportError(error: unknown, path: string, callerSignal: AbortSignal | undefined, timedOut: boolean): RivuletError {
  if (error instanceof RivuletError) return error;
  if (callerSignal?.aborted) return new RivuletError("closed", `etcd ${path}: given up by the caller`);
  if (timedOut) return new RivuletError("timeout", `etcd ${path}: no answer in time`);
  const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
  return new RivuletError("coordination_unavailable", `etcd ${path}: ${reason}`);
}
