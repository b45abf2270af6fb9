/**
 * Reads a web-standard request body without ever holding more than the limit: `Content-Length`
 * is checked first, then bytes are counted as they stream in (chunked bodies too), and the read
 * stops at the first byte past the limit. Shared by the front ends that take request bodies
 * (http/, durable-streams/), which may not import each other.
 */
import { RivuletError } from "../core/errors.ts";

function tooLarge(limit: number): RivuletError {
  return new RivuletError("request_too_large", `request body exceeds ${limit} bytes`, { limit });
}

/**
 * Reads a request's body, refusing one larger than `limitBytes` before buffering past it.
 *
 * @param request the web-standard request
 * @param limitBytes the largest body accepted
 * @returns the body's bytes (empty when there is none)
 * @throws {RivuletError} `request_too_large`
 */
export async function readRequestBody(request: Request, limitBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  let expected = -1;
  if (declared !== null) {
    expected = /^\d{1,16}$/.test(declared.trim()) ? Number(declared.trim()) : Number.NaN;
    if (Number.isNaN(expected)) throw new RivuletError("invalid_request", "malformed Content-Length header");
    if (expected > limitBytes) {
      request.body?.cancel().catch(() => {});
      throw tooLarge(limitBytes);
    }
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      throw new RivuletError("invalid_request", "the request body could not be read (the client went away or sent a malformed body)");
    }
    const { done, value } = chunk;
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      reader.cancel().catch(() => {});
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}
