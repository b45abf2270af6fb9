/**
 * Request bodies of the HTTP API: read within the size limit (runtime/request-body.ts), then
 * parsed as JSON or CBOR.
 */
import { Decoder } from "cbor-x";
import { RivuletError } from "../core/errors.ts";
import { readRequestBody } from "../runtime/request-body.ts";
import type { Encoding } from "./media.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });
const cbor = new Decoder({ mapsAsObjects: true, useRecords: false });

/**
 * Parses a body as JSON or CBOR.
 *
 * @param bytes the body
 * @param encoding which parser to use
 * @returns the parsed value
 * @throws {RivuletError} `invalid_request` when the body is empty or malformed
 */
export function parseBody(bytes: Uint8Array, encoding: Encoding): unknown {
  if (bytes.byteLength === 0) throw new RivuletError("invalid_request", "a request body is required");
  try {
    return encoding === "json" ? JSON.parse(utf8.decode(bytes)) : cbor.decode(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 200) : "unreadable";
    throw new RivuletError("invalid_request", `malformed ${encoding === "json" ? "JSON" : "CBOR"} body: ${reason}`);
  }
}

/**
 * Reads and parses a request body in the encoding its `Content-Type` names.
 *
 * @param request the request
 * @param encoding from {@link requestEncoding}
 * @param limitBytes the largest body accepted
 * @returns the parsed value and the body's size in bytes
 */
export async function readParsedBody(request: Request, encoding: Encoding, limitBytes: number): Promise<{ value: unknown; bytes: number }> {
  const bytes = await readRequestBody(request, limitBytes);
  return { value: parseBody(bytes, encoding), bytes: bytes.byteLength };
}
