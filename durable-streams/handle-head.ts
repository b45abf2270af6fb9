/**
 * HEAD: the stream's metadata without a body — content type, tail offset, closure, TTL or
 * expiry — never cached (`no-store`) and never extending a TTL.
 */
import type { StreamsContext } from "./options.ts";
import { H } from "./protocol-headers.ts";
import { tailHeaders } from "./stream-responses.ts";

/**
 * Handles a HEAD.
 *
 * @returns 200 with metadata headers, or a refusal (404, 410)
 */
export async function handleHead(ctx: StreamsContext, path: string): Promise<Response> {
  const state = await ctx.registry.access(path, { touch: false });
  const headers = tailHeaders(state);
  headers["cache-control"] = "no-store";
  if (state.meta.ttlSeconds !== null) headers[H.ttl] = String(state.meta.ttlSeconds);
  const expiresAt = state.expiresAtMs();
  if (expiresAt !== null) headers[H.expiresAt] = new Date(expiresAt).toISOString();
  return new Response(null, { status: 200, headers });
}
