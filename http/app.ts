/**
 * The HTTP API as one Hono app over a {@link BrokerApi}: topics, produce, fetch, Server-Sent
 * Events, consumer groups, health, metrics, the OpenAPI document and its reference page.
 * Web-standard only (`app.fetch(request)`): runtime adapters live in `runtime/`.
 */
import { Hono, type MiddlewareHandler } from "hono";
import type { Authenticator } from "../auth/authenticator.ts";
import type { BrokerApi } from "../broker/types.ts";
import { RivuletError } from "../core/errors.ts";
import { authenticateRequest } from "./authenticate-request.ts";
import type { AppEnv, HttpContext } from "./context.ts";
import { MemberPositions } from "./groups/member-positions.ts";
import { HttpMetrics } from "./metrics/http-metrics.ts";
import { RouteRegistry } from "./openapi/registry.ts";
import { type HttpMount, type HttpOptions, resolveHttpOptions } from "./options.ts";
import { problemResponse, toProblem } from "./problem.ts";
import { Router } from "./router.ts";
import { fetchRoutes } from "./routes/fetch.ts";
import { groupMemberRoutes } from "./routes/group-members.ts";
import { groupRoutes } from "./routes/groups.ts";
import { healthRoutes } from "./routes/health.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { openApiRoutes } from "./routes/openapi.ts";
import { processorRoutes } from "./routes/processors.ts";
import { producerRoutes } from "./routes/producers.ts";
import { produceRoutes } from "./routes/records.ts";
import { sseRoutes } from "./routes/stream-sse.ts";
import { batchRoutes } from "./routes/batches.ts";
import { topicRoutes } from "./routes/topics.ts";
import { clusterRoutes } from "./routes/cluster.ts";
import { clusterAdminRoutes } from "./routes/cluster-admin.ts";
import { clusterForward } from "./cluster-forward.ts";

export type { HttpMount, HttpOptions, MountEnv } from "./options.ts";

/** The host's authentication in front of a mounted sub-app (see {@link HttpMount}). */
function mountGuard(tokens: Authenticator, mount: HttpMount, metrics: HttpMetrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === "OPTIONS" || mount.isPublic?.(c.req.raw)) return await next();
    try {
      c.set("principal", await authenticateRequest(c, tokens, mount.door ?? "http"));
    } catch (error) {
      if (!mount.refuse) throw error;
      metrics.failed("unauthorized");
      return mount.refuse(error, c.req.raw);
    }
    await next();
  };
}

/**
 * Builds the HTTP app.
 *
 * @param broker the broker every route calls
 * @param options limits, auto-creation, auth, clock and mounted sub-apps
 * @returns the Hono app; serve it with `serve()` or call `app.request()` / `app.fetch()`
 * @throws {TypeError} on invalid options
 * @example
 * ```ts
 * const app = createApp(broker, { autoCreateTopics: true });
 * const res = await app.request("/v1/topics");
 * ```
 */
export function createApp(broker: BrokerApi, options: HttpOptions = {}): Hono<AppEnv> {
  const resolved = resolveHttpOptions(options);
  const app = new Hono<AppEnv>();
  const registry = new RouteRegistry();
  const tokens = resolved.auth;
  const router = new Router(app, registry, tokens);
  const ctx: HttpContext = { broker, options: resolved, metrics: new HttpMetrics(), members: new MemberPositions(), sse: { open: 0 } };

  app.use("*", async (c, next) => {
    await next();
    ctx.metrics.answered(c.res.status);
  });
  if (resolved.cluster?.clustered) {
    const forward = clusterForward(resolved.cluster, broker, tokens, resolved.limits.deliveryTimeoutMs, resolved.brokerFetch);
    for (const path of ["/v1/topics/*", "/v1/producers", "/v1/groups", "/v1/groups/*", "/v1/stream/*"]) app.use(path, forward);
  }
  healthRoutes(router, ctx);
  clusterRoutes(router, ctx);
  clusterAdminRoutes(router, ctx);
  metricsRoutes(router, ctx);
  openApiRoutes(router, ctx, registry);
  topicRoutes(router, ctx);
  producerRoutes(router, ctx);
  produceRoutes(router, ctx);
  fetchRoutes(router, ctx);
  batchRoutes(router, ctx);
  sseRoutes(router, ctx);
  groupRoutes(router, ctx);
  groupMemberRoutes(router, ctx);
  processorRoutes(router, ctx);
  for (const mount of options.mounts ?? []) {
    if (tokens) app.use(`${mount.path}/*`, mountGuard(tokens, mount, ctx.metrics));
    app.route(mount.path, mount.app);
  }
  app.notFound((c) => problemResponse(new RivuletError("not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname.slice(0, 300)}`)));
  app.onError((error) => {
    const problem = toProblem(error);
    ctx.metrics.failed(problem.code);
    return problemResponse(error);
  });
  return app;
}
