/**
 * THE one mapping from {@link RivuletError} codes to HTTP statuses, and the rendering of every
 * error as `application/problem+json` (RFC 9457) with Rivulet's `code` and `retriable`.
 */
import { type ErrorCode, isRivuletError } from "../core/errors.ts";

/** HTTP status of every error code; the compiler checks that none is missing. */
export const statusOfCode: Readonly<Record<ErrorCode, number>> = {
  invalid_request: 400,
  invalid_topic_name: 400,
  invalid_config: 400,
  invalid_record: 400,
  invalid_offset: 400,
  too_many_headers: 400,
  unknown_producer: 400,
  unauthorized: 401,
  forbidden: 403,
  unknown_topic: 404,
  unknown_partition: 404,
  unknown_group: 404,
  unknown_member: 404,
  not_found: 404,
  topic_exists: 409,
  conflict: 409,
  illegal_generation: 409,
  rebalance_in_progress: 409,
  out_of_order_sequence: 409,
  producer_fenced: 409,
  invalid_txn_state: 409,
  concurrent_transactions: 409,
  invalid_producer_id_mapping: 400,
  invalid_transaction_timeout: 400,
  invalid_producer_epoch: 409,
  record_too_large: 413,
  request_too_large: 413,
  too_many_records: 413,
  unsupported_media_type: 415,
  offset_out_of_range: 416,
  too_many_streams: 429,
  too_many_members: 429,
  too_many_groups: 429,
  mailbox_full: 429,
  corrupt_record: 500,
  storage_error: 500,
  actor_failed: 500,
  partition_unavailable: 503,
  actor_restarting: 503,
  partition_offline: 503,
  timeout: 503,
  closed: 503,
  not_controller: 503,
  coordination_unavailable: 503,
  revision_compacted: 500,
  fenced_leader_epoch: 409,
  unknown_leader_epoch: 503,
  not_leader: 503,
  not_coordinator: 503,
  transaction_coordinator_fenced: 409,
  not_enough_replicas: 503,
  not_enough_replicas_after_append: 503,
  invalid_replication_factor: 400,
  invalid_replica_assignment: 400,
  unknown_broker: 404,
  not_enough_brokers: 409,
  store_full: 507,
  invalid_topology: 400,
  not_supported: 501,
};

/** The problem document: RFC 9457 members plus Rivulet's `code` and `retriable`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode | "internal";
  retriable: boolean;
  details?: Record<string, unknown>;
}

/** The media type of every error body. */
export const problemMediaType = "application/problem+json";

function titleOf(code: string): string {
  const words = code.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Turns any thrown value into a problem document. RivuletErrors keep their code; anything else
 * is a 500 with code `internal` (a bug: bad input must never get here).
 *
 * @param error what was thrown
 * @returns the problem document
 */
export function toProblem(error: unknown): Problem {
  if (isRivuletError(error)) {
    const problem: Problem = {
      type: `urn:rivulet:problem:${error.code}`,
      title: titleOf(error.code),
      status: statusOfCode[error.code],
      detail: error.message,
      code: error.code,
      retriable: error.retriable,
    };
    if (Object.keys(error.info).length > 0) problem.details = error.info;
    return problem;
  }
  return {
    type: "urn:rivulet:problem:internal",
    title: "Internal error",
    status: 500,
    detail: "an internal error occurred; it has been logged",
    code: "internal",
    retriable: false,
  };
}

/**
 * Renders a thrown value as an `application/problem+json` response, with `Retry-After` on
 * retriable errors and `WWW-Authenticate` on 401.
 *
 * @param error what was thrown
 * @returns the response
 * @example
 * ```ts
 * problemResponse(new RivuletError("unknown_topic", "no topic x")).status; // 404
 * ```
 */
export function problemResponse(error: unknown): Response {
  const problem = toProblem(error);
  if (problem.code === "internal") console.error("rivulet http: internal error", error);
  const headers = new Headers({ "content-type": problemMediaType });
  if (problem.retriable) headers.set("retry-after", "1");
  if (problem.status === 401) headers.set("www-authenticate", 'Bearer realm="rivulet"');
  return new Response(JSON.stringify(problem), { status: problem.status, headers });
}
