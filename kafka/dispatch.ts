/**
 * One request frame in, one outcome out: reads the header, finds the API version's codec,
 * decodes the body, runs the handler and encodes the response (size prefix, header, body) as
 * chunks for one corked socket write. Everything up to the handler's own first await runs
 * synchronously, so the broker sees pipelined requests in arrival order.
 *
 * Like Kafka, the connection is closed (not answered) when the header or body is malformed or
 * the API version is unknown, since no valid reply can be framed; the exception is an
 * ApiVersions request of a version Rivulet does not know (librdkafka opens with v3): it gets
 * UNSUPPORTED_VERSION in the v0 layout with the supported list, and the client retries with one
 * of those versions.
 *
 * On a listener that requires SASL, frames of a connection that has not authenticated go to
 * {@link dispatchUnauthenticated} (`sasl-dispatch.ts`) instead, which answers only ApiVersions and
 * the SASL exchange; once it succeeds the connection's `principal` is set and every later
 * request reaches its handler with it.
 */
import { apiKeys } from "./protocol/api-keys.ts";
import { decodeRequestBody, type DecodedRequest, type ImplementedApi, type ResponseOf } from "./protocol/apis.ts";
import { kafkaErrors } from "./protocol/error-codes.ts";
import { decodeRequestHeader, type RequestHeader } from "./protocol/header.ts";
import { Reader } from "./protocol/reader.ts";
import { frameResponse, type FrameOutcome } from "./frame-response.ts";
import { apiVersionsResponse } from "./handlers/api-versions.ts";
import { handlers } from "./handlers/index.ts";
import type { Handler, HandlerContext } from "./handler-context.ts";
import type { ConnectionAuth } from "./sasl/connection-auth.ts";
export type { FrameOutcome } from "./frame-response.ts";
import { dispatchUnauthenticated } from "./sasl/sasl-dispatch.ts";

/**
 * Context of the connection; the client id comes from each request's header. `principal` is
 * set once the connection authenticates.
 */
export type ConnectionContext = Omit<HandlerContext, "clientId"> & {
  /** The connection's SASL state when the listener requires SASL, else null. */
  auth: ConnectionAuth | null;
};

function runHandler<N extends ImplementedApi>(ctx: HandlerContext, decoded: DecodedRequest & { api: N }): Promise<ResponseOf<N> | null> {
  const handler = handlers[decoded.api] as Handler<N>;
  return handler(ctx, decoded.body as Parameters<Handler<N>>[1], decoded.version);
}

/** The handler context of one request on `connection`. */
function handlerContext(connection: ConnectionContext, clientId: string | null): HandlerContext {
  const { auth: _auth, ...context } = connection;
  return { ...context, clientId };
}

/**
 * Handles one frame (without its size prefix).
 *
 * @param frame the request bytes; views of it (Produce records) may outlive the call
 * @param connection the connection's context
 */
export async function dispatchFrame(frame: Uint8Array, connection: ConnectionContext): Promise<FrameOutcome> {
  if (connection.auth && connection.auth.state.kind !== "authenticated") return dispatchUnauthenticated(frame, connection, connection.auth);
  const reader = new Reader(frame);
  let header: RequestHeader;
  let decoded: DecodedRequest | undefined;
  try {
    header = decodeRequestHeader(reader);
    decoded = decodeRequestBody(header.apiKey, header.apiVersion, reader);
  } catch (error) {
    return { kind: "close", reason: `malformed request: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!decoded) {
    if (header.apiKey === apiKeys.ApiVersions) return frameResponse(header, "ApiVersions", 0, apiVersionsResponse(kafkaErrors.UNSUPPORTED_VERSION));
    return { kind: "close", reason: `unsupported api key ${header.apiKey} version ${header.apiVersion}` };
  }
  const response = await runHandler(handlerContext(connection, header.clientId), decoded);
  if (response === null) return { kind: "none" };
  return frameResponse(header, decoded.api, decoded.version, response);
}
