/**
 * The Durable Streams protocol as a Hono sub-app, meant to be mounted at its `basePath`
 * (`/v1/stream` in Rivulet's HTTP API). Every stream is a single-partition internal topic of the
 * broker, so appends get the same durability, recovery and worker restarts as any topic.
 * Web-standard only; the first request loads the streams' metadata.
 *
 * Authentication is the host's: a host running with auth (the HTTP app, see its `HttpMount`)
 * checks the bearer token and sets the `principal` variable, and every request is then held to
 * that principal's `streams` rights (`stream-access.ts`). Without a principal (no auth, or the
 * app served on its own) every stream is open.
 */
import { Hono } from "hono";
import type { Principal } from "../auth/rights.ts";
import { errorResponse } from "./error-response.ts";
import { handleDelete } from "./handle-delete.ts";
import { handleGet } from "./handle-get.ts";
import { handleHead } from "./handle-head.ts";
import { handlePost } from "./handle-post.ts";
import { handlePut } from "./handle-put.ts";
import { maintain, startMaintenance } from "./maintenance.ts";
import { resolveStreamsOptions, type DurableStreamsOptions, type StreamsBroker, type StreamsContext } from "./options.ts";
import { applyCommonHeaders, preflightResponse } from "./protocol-headers.ts";
import { ProtocolError } from "./protocol-error.ts";
import { ReadAhead } from "./read-ahead.ts";
import { authorizeStreamRequest, type StreamsEnv } from "./stream-access.ts";
import { streamKey } from "./stream-paths.ts";
import { StreamRegistry } from "./stream-registry.ts";

/**
 * Builds the Durable Streams app.
 *
 * @param broker the broker whose topics hold the streams
 * @param options base path, limits, clock, shutdown signal, cache scope
 * @returns a Hono app answering every method under `basePath`
 * @throws {TypeError} on invalid options
 * @example
 * ```ts
 * const app = new Hono();
 * app.route("/v1/stream", createDurableStreamsApp(broker));
 * await app.request("/v1/stream/chat", { method: "PUT", headers: { "content-type": "application/json" } });
 * ```
 */
export function createDurableStreamsApp(broker: StreamsBroker, options: DurableStreamsOptions = {}): Hono<StreamsEnv> {
  const resolved = resolveStreamsOptions(broker, options);
  const { limits } = resolved;
  const ctx: StreamsContext = {
    ...resolved,
    registry: new StreamRegistry(broker, resolved.clock, limits.dsReadBytesMax, { cluster: options.generation !== undefined }),
    readAhead: new ReadAhead(broker, limits.dsReadBytesMax, limits.dsReadAheadBytesMax),
  };
  let started = false;
  let generation = options.generation?.();
  const ready = async () => {
    const now = options.generation?.();
    if (now !== generation) {
      // Another broker may have served the streams meanwhile (a cluster's failover): start from what was replicated.
      generation = now;
      ctx.registry = new StreamRegistry(broker, resolved.clock, limits.dsReadBytesMax, { cluster: true });
      ctx.readAhead = new ReadAhead(broker, limits.dsReadBytesMax, limits.dsReadAheadBytesMax);
    }
    await ctx.registry.open();
    if (started || ctx.signal.aborted) return;
    started = true;
    startMaintenance(ctx);
    ctx.signal.addEventListener("abort", () => void maintain(ctx, true).catch(() => {}), { once: true });
  };
  const app = new Hono<StreamsEnv>();
  app.all("*", async (c) => {
    const request = c.req.raw;
    let response: Response;
    try {
      response = request.method === "OPTIONS" ? preflightResponse() : await dispatch(ctx, request, c.get("principal") ?? null, ready);
    } catch (error) {
      response = errorResponse(error, request.method === "HEAD");
    }
    applyCommonHeaders(response.headers);
    return response;
  });
  return app;
}

async function dispatch(ctx: StreamsContext, request: Request, principal: Principal | null, ready: () => Promise<void>): Promise<Response> {
  const path = streamKey(new URL(request.url).pathname, ctx.basePath, ctx.limits.dsPathBytesMax);
  if (principal) authorizeStreamRequest(principal, request, path, ctx.basePath, ctx.limits.dsHeaderBytesMax);
  await ready();
  switch (request.method) {
    case "GET":
      return handleGet(ctx, path, request);
    case "HEAD":
      return handleHead(ctx, path);
    case "PUT":
      return handlePut(ctx, path, request);
    case "POST":
      return handlePost(ctx, path, request);
    case "DELETE":
      return handleDelete(ctx, path);
    default:
      throw new ProtocolError(405, "method_not_allowed", `${request.method} is not part of the protocol`, { allow: "GET, HEAD, POST, PUT, DELETE, OPTIONS" });
  }
}
