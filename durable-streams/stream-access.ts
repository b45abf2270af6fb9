/**
 * Who may do what to a stream, under the auth file's `streams` rights. The host app
 * authenticates each request (the bearer token) and hands the principal over; this checks it
 * against the stream's name, which is the path after the base path as it appears in the URL
 * (percent-encoded, dot segments resolved): `/v1/stream/billing/eu` is the stream `billing/eu`,
 * matched by the patterns `billing/eu`, `billing/*` or `*`.
 *
 * Reading (GET: catch-up, long-poll, SSE; HEAD) needs `read`; creating (PUT), appending (POST)
 * and deleting (DELETE) need `write`; a fork (PUT with `Stream-Forked-From`) also needs `read`
 * on its source, since the new stream starts with the source's data.
 */
import { requireStreamAccess, type Principal } from "../auth/rights.ts";
import { H } from "./protocol-headers.ts";
import { forkSourceKey } from "./stream-paths.ts";

/** What the app's handlers see from their host (see `HttpMount` in the HTTP app). */
export interface StreamsEnv {
  Variables: {
    /** The authenticated principal; absent when the host runs without auth. */
    principal?: Principal | null;
  };
}

/** The access a protocol method needs. */
export function streamAccessOf(method: string): "read" | "write" {
  return method === "GET" || method === "HEAD" ? "read" : "write";
}

/**
 * The stream's name in rights: its key without the base path and the slash after it.
 *
 * @param key the stream key (`/v1/stream/billing/eu`)
 * @param basePath where the protocol is mounted (`/v1/stream`)
 * @returns `billing/eu`
 */
export function streamRightName(key: string, basePath: string): string {
  return key.slice(basePath.length + 1);
}

/**
 * Checks that `principal` may make `request` on the stream `key`.
 *
 * @param principal who is asking
 * @param request the request (its method, and for a fork its source header)
 * @param key the stream key
 * @param basePath where the protocol is mounted
 * @param forkSourceBytesMax longest fork source accepted (as the PUT's own parsing allows)
 * @throws {RivuletError} `forbidden` without the right
 * @throws {ProtocolError} 400 / 404 for a malformed fork source
 */
export function authorizeStreamRequest(principal: Principal, request: Request, key: string, basePath: string, forkSourceBytesMax: number): void {
  requireStreamAccess(principal, streamAccessOf(request.method), streamRightName(key, basePath));
  const source = request.method === "PUT" ? request.headers.get(H.forkedFrom) : null;
  if (source !== null) requireStreamAccess(principal, "read", streamRightName(forkSourceKey(source, basePath, forkSourceBytesMax), basePath));
}
