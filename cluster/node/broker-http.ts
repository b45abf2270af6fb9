/**
 * One HTTP call from this broker to another broker of its cluster, for the writes a broker
 * makes at another partition's leader on a client's behalf (HTTP produce fanned out by
 * partition, an idempotent request producer's batches). The request carries
 * `rivulet-forwarded-by`, so the other broker serves it itself and never forwards it again, and
 * the client's `Authorization`, so it is authorized there as the client's.
 *
 * The answer's problem document becomes the {@link RivuletError} it stands for (same code, so
 * `not_leader` stays retriable); a broker that cannot be reached, or does not answer within
 * the timeout, is `partition_unavailable` (retriable): the caller retries with fresh metadata.
 */
import { type ErrorCode, errorCodes, isRivuletError, RivuletError } from "../../core/errors.ts";
import type { FetchLike } from "../../runtime/trusting-fetch.ts";
import type { ClusterBroker } from "./cluster-view.ts";

/** The header marking a request forwarded by another broker of the cluster. */
export const forwardedHeader = "rivulet-forwarded-by";

/** Headers of a batch read's answer (`GET /v1/topics/{t}/partitions/{p}/batches`): where it read from and the partition's offsets. */
export const batchReadHeaders = { offset: "rivulet-offset", highWatermark: "rivulet-high-watermark", lastStableOffset: "rivulet-last-stable-offset", logStartOffset: "rivulet-log-start-offset" } as const;

/** Largest problem document read back from another broker, in bytes (longer ones are cut). */
const problemBytesMax = 64 * 1024;

/** One call's parts. */
export interface BrokerCall {
  /** `http:` or `https:` (the cluster's HTTP listeners all use one). */
  protocol: string;
  /** The fetch to call with: over HTTPS, one trusting the cluster's certificate (`trustingFetch`); default the global `fetch`. */
  fetch?: FetchLike;
  /** The broker this one is (the forwarded-by marker). */
  from: number;
  method: "POST" | "GET";
  /** Path and query, already encoded. */
  path: string;
  accept: string;
  /** With POST. */
  contentType?: string;
  body?: Uint8Array;
  /** The client's `Authorization` header, if it sent one. */
  authorization?: string | null;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Sends the call and returns the answer's body once the other broker answered 2xx.
 *
 * @throws {RivuletError} the other broker's error; `partition_unavailable` when it cannot be reached or times out; `closed` when `signal` gave the call up
 */
export async function callBroker(broker: ClusterBroker, call: BrokerCall): Promise<Uint8Array> {
  return (await callBrokerFor(broker, call)).body;
}

/**
 * As {@link callBroker}, with the answer's headers too (for answers that carry figures in them).
 *
 * @throws {RivuletError} the other broker's error; `partition_unavailable` when it cannot be reached or times out; `closed` when `signal` gave the call up
 */
export async function callBrokerFor(broker: ClusterBroker, call: BrokerCall): Promise<{ body: Uint8Array; headers: Headers }> {
  const host = broker.host.includes(":") ? `[${broker.host}]` : broker.host;
  const headers = new Headers({ accept: call.accept, [forwardedHeader]: String(call.from) });
  if (call.contentType) headers.set("content-type", call.contentType);
  if (call.authorization) headers.set("authorization", call.authorization);
  const timeout = AbortSignal.timeout(call.timeoutMs);
  const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
  let response: Response;
  let body: Uint8Array;
  try {
    response = await (call.fetch ?? fetch)(`${call.protocol}//${host}:${broker.port}${call.path}`, { method: call.method, headers, body: call.body as unknown as BodyInit | undefined, signal, redirect: "manual" });
    body = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    // given up by the caller (its client gone, this server shutting down): a typed answer, not the runtime's AbortError
    if (call.signal?.aborted) throw isRivuletError(call.signal.reason) ? call.signal.reason : new RivuletError("closed", "the call to another broker was given up: client gone or server shutting down");
    throw new RivuletError("partition_unavailable", `broker ${broker.id} could not be reached over HTTP: ${error instanceof Error ? error.name : "error"}`, { broker: broker.id });
  }
  if (response.ok) return { body, headers: response.headers };
  throw problemError(broker.id, response.status, body);
}

/** The error an answer's problem document names (a code this broker does not know: by status). */
function problemError(brokerId: number, status: number, body: Uint8Array): RivuletError {
  let problem: { code?: unknown; detail?: unknown; details?: unknown } = {};
  try {
    problem = JSON.parse(new TextDecoder().decode(body.subarray(0, problemBytesMax))) as typeof problem;
  } catch {
    problem = {};
  }
  const detail = typeof problem.detail === "string" ? problem.detail : `broker ${brokerId} answered HTTP ${status}`;
  const details = problem.details !== null && typeof problem.details === "object" ? (problem.details as Record<string, unknown>) : {};
  if (typeof problem.code === "string" && Object.hasOwn(errorCodes, problem.code)) return new RivuletError(problem.code as ErrorCode, detail, details);
  return new RivuletError(status >= 500 ? "partition_unavailable" : "invalid_request", `broker ${brokerId}: ${detail}`, { broker: brokerId, status });
}
