/**
 * A request frame's header and body decoded, or the outcome that ends it: like Kafka, a
 * malformed header or body, or an unknown API version, closes the connection (no valid reply
 * can be framed), except an ApiVersions request of a version Rivulet does not know (librdkafka
 * opens with v3), which gets UNSUPPORTED_VERSION in the v0 layout with the supported list so
 * the client retries with one of those.
 */
import { frameResponse, type FrameOutcome } from "./frame-response.ts";
import { apiVersionsResponse } from "./handlers/api-versions.ts";
import { apiKeys } from "./protocol/api-keys.ts";
import { decodeRequestBody, type DecodedRequest } from "./protocol/apis.ts";
import { kafkaErrors } from "./protocol/error-codes.ts";
import { decodeRequestHeader, type RequestHeader } from "./protocol/header.ts";
import { Reader } from "./protocol/reader.ts";

/** A decoded request. */
export interface DecodedFrame {
  kind: "request";
  header: RequestHeader;
  decoded: DecodedRequest;
}

/**
 * Decodes one frame (without its size prefix).
 *
 * @param frame the request bytes; views of it (Produce records) may outlive the call
 * @param admits whether an API may be asked for at all on this connection now (before SASL
 *   authentication only a few may); a refused one closes the connection before its body is read
 * @returns the request, or the outcome that answers or closes instead
 */
export function decodeFrame(frame: Uint8Array, admits: (apiKey: number) => boolean = () => true): DecodedFrame | FrameOutcome {
  const reader = new Reader(frame);
  let header: RequestHeader;
  let decoded: DecodedRequest | undefined;
  try {
    header = decodeRequestHeader(reader);
    if (!admits(header.apiKey)) return { kind: "close", reason: `api key ${header.apiKey} before SASL authentication` };
    decoded = decodeRequestBody(header.apiKey, header.apiVersion, reader);
  } catch (error) {
    return { kind: "close", reason: `malformed request: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (decoded) return { kind: "request", header, decoded };
  if (header.apiKey === apiKeys.ApiVersions) return frameResponse(header, "ApiVersions", 0, apiVersionsResponse(kafkaErrors.UNSUPPORTED_VERSION));
  return { kind: "close", reason: `unsupported api key ${header.apiKey} version ${header.apiVersion}` };
}
