/**
 * The web console as a Hono sub-app, meant to be mounted by a host at its `basePath`
 * (`/console`; `server/serve.ts` mounts it on the HTTP app, see {@link consoleMount}):
 *
 * - page shells at `/`, `/topics/{topic}`, `/groups`, `/groups/{group}`, `/processors` and the static assets
 *   at `/assets/{name}`: public (they hold no data), served from memory;
 * - the console's JSON API at `/api/...` for what the HTTP API lacks (the overview with rates,
 *   the bounded message browser with filters, lag in seconds, the lag history), each call
 *   needing the principal the host authenticated when auth is on.
 *
 * The pages read topics, groups and records through these and through the HTTP API (`/v1/...`:
 * produce, the live tail's Server-Sent Events, the stream processors and their store lookups)
 * with the token held for the tab. Errors are
 * thrown as RivuletErrors for the host to render (the HTTP app answers problem+json with its
 * one code → status mapping). Every answer carries a strict Content-Security-Policy.
 */
import { Hono } from "hono";
import type { BrokerApi } from "../broker/types.ts";
import { RivuletError } from "../core/errors.ts";
import { assets } from "./assets/index.ts";
import type { ConsoleEnv, ConsoleState } from "./context.ts";
import { LagSampler } from "./lag-sampler.ts";
import { type ConsoleOptions, resolveConsoleOptions } from "./options.ts";
import { RateMeter } from "./rate-meter.ts";
import { groupRoutes } from "./routes/groups.ts";
import { overviewRoutes } from "./routes/overview.ts";
import { recordRoutes } from "./routes/records.ts";
import { sessionRoutes } from "./routes/session.ts";
import { topicRoutes } from "./routes/topics.ts";
import { applySecurityHeaders } from "./security-headers.ts";
import { shellHtml } from "./shell.ts";

/** A console app and the state tests and hosts may look at. */
export interface ConsoleApp {
  app: Hono<ConsoleEnv>;
  /** The lag history sampler (started; stops when `signal` aborts). */
  sampler: LagSampler;
}

/**
 * Builds the console.
 *
 * @param broker the broker the pages show
 * @param options base path, whether auth is on, limits, clock, shutdown signal
 * @returns the app and its lag sampler
 * @throws {TypeError} on invalid options
 * @example
 * ```ts
 * const { app } = createConsoleApp(broker, { basePath: "/console" });
 * const http = createApp(broker, { mounts: [{ path: "/console", app }] });
 * ```
 */
export function createConsoleApp(broker: BrokerApi, options: ConsoleOptions = {}): ConsoleApp {
  const resolved = resolveConsoleOptions(options);
  const { basePath, limits, clock } = resolved;
  const sampler = new LagSampler(broker, limits, clock);
  sampler.start(resolved.signal);
  const state: ConsoleState = { broker, options: resolved, sampler, rates: new RateMeter(broker, clock, limits.consoleRateWindowMs) };
  const app = new Hono<ConsoleEnv>();
  const shell = shellHtml(basePath, resolved.authRequired);

  app.use("*", async (c, next) => {
    // `/console/` and `/console/topics/x/`: the same page as without the slash.
    const path = new URL(c.req.url).pathname;
    if (c.req.method === "GET" && path.length > basePath.length && path.endsWith("/") && !path.startsWith(`${basePath}/api/`)) {
      c.res = c.redirect(path.replace(/\/+$/, "") || basePath, 308);
      applySecurityHeaders(c.res.headers, false);
      return;
    }
    await next();
    applySecurityHeaders(c.res.headers, new URL(c.req.url).pathname.startsWith(`${basePath}/api/`));
  });
  for (const path of ["/", "/topics/:topic", "/groups", "/groups/:group", "/processors"]) {
    app.get(path, (c) => c.html(shell));
  }
  app.get("/assets/:name", (c) => {
    const asset = assets.get(c.req.param("name"));
    if (!asset) throw new RivuletError("not_found", "no such console asset");
    return c.body(asset.body, 200, { "content-type": asset.type });
  });
  sessionRoutes(app, state);
  overviewRoutes(app, state);
  topicRoutes(app, state);
  recordRoutes(app, state);
  groupRoutes(app, state);
  return { app, sampler };
}
