/**
 * Headers shared by the answers about one stream.
 */
import { formatOffset } from "./offsets.ts";
import { H } from "./protocol-headers.ts";
import type { StreamState } from "./stream-state.ts";

/**
 * The stream's content type, tail offset and (when closed) Stream-Closed.
 *
 * @param state a loaded stream
 * @returns headers to answer with
 */
export function tailHeaders(state: StreamState): Record<string, string> {
  const headers: Record<string, string> = { "content-type": state.meta.contentType, [H.nextOffset]: formatOffset(state.tail) };
  if (state.closed) headers[H.closed] = "true";
  return headers;
}
