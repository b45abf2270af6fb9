/**
 * The headers of a PUT (create or fork), parsed and checked before anything is read or written.
 */
import { canonicalContentType } from "./content-type.ts";
import { parseClosed, parseDecimal, parseExpiresAt, parseTtl } from "./header-values.ts";
import { parseOffsetToken } from "./offsets.ts";
import { TTL_SECONDS_MAX } from "./options.ts";
import { H } from "./protocol-headers.ts";
import { ProtocolError } from "./protocol-error.ts";
import { forkSourceKey } from "./stream-paths.ts";

/** A fork request. */
export interface ForkRequest {
  source: string;
  /** Stream offset to fork at; null for the source's tail. */
  offset: number | null;
  subOffset: number;
}

/** A parsed PUT. */
export interface CreateRequest {
  /** Null when no Content-Type was given. */
  contentType: string | null;
  ttlSeconds: number | null;
  expiresAtMs: number | null;
  closed: boolean;
  fork: ForkRequest | null;
}

function badRequest(message: string): ProtocolError {
  return new ProtocolError(400, "bad_header", message);
}

/**
 * Parses a PUT's headers.
 *
 * @param headers the request headers
 * @param basePath where streams live (fork sources must be there)
 * @param maxBytes longest fork source accepted
 * @throws {ProtocolError} 400 for malformed or conflicting headers (TTL with Expires-At, a fork
 *   offset or sub-offset without a source), 404 for a fork source outside the streams
 */
export function parseCreateRequest(headers: Headers, basePath: string, maxBytes: number): CreateRequest {
  const rawType = headers.get("content-type");
  let contentType: string | null = null;
  if (rawType !== null && rawType.trim() !== "") {
    contentType = canonicalContentType(rawType);
    if (contentType === null) throw badRequest("Content-Type is not a media type");
  }
  const ttlSeconds = parseTtl(headers.get(H.ttl), TTL_SECONDS_MAX);
  const expiresAtMs = parseExpiresAt(headers.get(H.expiresAt));
  if (ttlSeconds !== null && expiresAtMs !== null) throw badRequest("give Stream-TTL or Stream-Expires-At, not both");
  const closed = parseClosed(headers.get(H.closed));
  const source = headers.get(H.forkedFrom);
  const offset = headers.get(H.forkOffset);
  const sub = headers.get(H.forkSubOffset);
  if (source === null) {
    if (offset !== null || sub !== null) throw badRequest("Stream-Fork-Offset and Stream-Fork-Sub-Offset need Stream-Forked-From");
    return { contentType, ttlSeconds, expiresAtMs, closed, fork: null };
  }
  let forkOffset: number | null = null;
  if (offset !== null) {
    forkOffset = offset === "-1" ? 0 : parseOffsetToken(offset);
    if (forkOffset === null) throw badRequest("malformed Stream-Fork-Offset");
  }
  const subOffset = sub === null ? 0 : parseDecimal(sub, H.forkSubOffset);
  return { contentType, ttlSeconds, expiresAtMs, closed, fork: { source: forkSourceKey(source, basePath, maxBytes), offset: forkOffset, subOffset } };
}
