/**
 * One request frame in, one outcome out: reads the header, finds the API version's codec,
 * decodes the body, runs the handler and encodes the response (size prefix, header, body) as
 * chunks for one corked socket write. Everything up to the handler's own first await runs
 * synchronously, so the broker sees pipelined requests in arrival order.
 *
 * Frames that cannot be decoded close the connection ({@link decodeFrame} says how).
 *
 * On a listener that requires SASL, frames of a connection that has not authenticated go to
 * {@link dispatchUnauthenticated} (`sasl-dispatch.ts`) instead, which answers only ApiVersions and
 * the SASL exchange; once it succeeds the connection's `principal` is set and every later
 * request reaches its handler with it.
 */
import type { DecodedRequest, ImplementedApi, ResponseOf } from "./protocol/apis.ts";
import { decodeFrame } from "./decode-frame.ts";
import { frameResponse, type FrameOutcome } from "./frame-response.ts";
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
  const request = decodeFrame(frame);
  if (request.kind !== "request") return request;
  const { header, decoded } = request;
  const response = await runHandler(handlerContext(connection, header.clientId), decoded);
  if (response === null) return { kind: "none" };
  return frameResponse(header, decoded.api, decoded.version, response);
}
