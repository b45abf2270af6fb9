/**
 * How a host that authenticates requests for this app (the HTTP app's `HttpMount`) should
 * count and answer a refused token: failures under the `durable_streams` door in `/metrics`,
 * and the 401 in this protocol's own error shape (`{"error":{"code","message"}}`, with
 * `WWW-Authenticate` and the CORS headers every answer carries).
 *
 * @example
 * ```ts
 * createApp(broker, { auth, mounts: [{ path: "/v1/stream", app: createDurableStreamsApp(broker), ...durableStreamsMountAuth }] });
 * ```
 */
import { errorResponse } from "./error-response.ts";
import { applyCommonHeaders } from "./protocol-headers.ts";

export const durableStreamsMountAuth = {
  door: "durable_streams" as const,
  refuse(error: unknown, request: Request): Response {
    const response = errorResponse(error, request.method === "HEAD");
    applyCommonHeaders(response.headers);
    return response;
  },
};
