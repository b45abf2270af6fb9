/**
 * Reads an append's body within the size limit, as the protocol's statuses: 413 past the limit,
 * 400 for a malformed Content-Length.
 */
import { isRivuletError } from "../core/errors.ts";
import { readRequestBody } from "../runtime/request-body.ts";
import { ProtocolError } from "./protocol-error.ts";

/**
 * Reads `request`'s body, never buffering more than `limitBytes`.
 *
 * @throws {ProtocolError} 413 past the limit; 400 for a malformed Content-Length
 */
export async function readLimited(request: Request, limitBytes: number): Promise<Uint8Array> {
  try {
    return await readRequestBody(request, limitBytes);
  } catch (error) {
    if (isRivuletError(error, "request_too_large")) throw new ProtocolError(413, "too_large", `appends may be at most ${limitBytes} bytes`);
    if (isRivuletError(error, "invalid_request")) throw new ProtocolError(400, "bad_request", error.message);
    throw error;
  }
}
