/**
 * Stream paths and the topics behind them. A stream is named by its URL path (percent-encoded,
 * as received: `/v1/stream/a%20b` and `/v1/stream/a b` are one stream because URLs normalise to
 * the former). Its records live in a single-partition internal topic named
 * `__ds.<first 32 hex digits of sha256(path)>.<12 random hex digits>`: only `[a-z0-9.]`, so no
 * path can reach outside the data directory, no user topic can collide (user topics may not
 * start with `__`), and a stream deleted and created again gets a fresh topic.
 */
import { createHash, randomBytes } from "node:crypto";
import { ProtocolError } from "./protocol-error.ts";

/** Prefix of every Durable Streams data topic. */
export const STREAM_TOPIC_PREFIX = "__ds.";

/**
 * A new topic name for the stream at `path`.
 *
 * @param path the stream's key (its URL path)
 * @returns a name unused so far, e.g. `__ds.5e8f….3fa09bc4e1d2`
 */
export function newStreamTopic(path: string): string {
  const hash = createHash("sha256").update(path).digest("hex").slice(0, 32);
  return `${STREAM_TOPIC_PREFIX}${hash}.${randomBytes(6).toString("hex")}`;
}

/**
 * The stream key of a request path under `basePath`.
 *
 * @param pathname the request URL's pathname
 * @param basePath where the protocol is mounted, e.g. `/v1/stream`
 * @param maxBytes longest accepted key
 * @returns the key (the pathname itself)
 * @throws {ProtocolError} 404 when no stream name follows the base path; 400 when too long
 */
export function streamKey(pathname: string, basePath: string, maxBytes: number): string {
  if (!pathname.startsWith(`${basePath}/`) || pathname.length === basePath.length + 1) {
    throw new ProtocolError(404, "not_found", "no stream name in the path");
  }
  if (pathname.length > maxBytes) throw new ProtocolError(400, "path_too_long", `stream paths may be at most ${maxBytes} bytes`);
  return pathname;
}

/**
 * The stream key named by a `Stream-Forked-From` header: a path, or an absolute URL whose path
 * is used.
 *
 * @throws {ProtocolError} 400 when it is neither
 */
export function forkSourceKey(raw: string, basePath: string, maxBytes: number): string {
  let pathname = raw;
  if (!raw.startsWith("/")) {
    try {
      pathname = new URL(raw).pathname;
    } catch {
      throw new ProtocolError(400, "bad_fork_source", "Stream-Forked-From must be a stream path or URL");
    }
  } else {
    try {
      pathname = new URL(raw, "http://x").pathname;
    } catch {
      throw new ProtocolError(400, "bad_fork_source", "Stream-Forked-From must be a stream path or URL");
    }
  }
  try {
    return streamKey(pathname, basePath, maxBytes);
  } catch {
    throw new ProtocolError(404, "not_found", "the fork source does not exist");
  }
}
