/** What every route group shares: the broker, the options, metrics and per-app state. */
import type { Context } from "hono";
import type { BrokerApi } from "../broker/types.ts";
import type { Access } from "../auth/auth-config.ts";
import { type Principal, requireAccess } from "../auth/rights.ts";
import type { ConnectionInfo } from "../runtime/serve-types.ts";
import type { MemberPositions } from "./groups/member-positions.ts";
import type { HttpMetrics } from "./metrics/http-metrics.ts";
import type { ResolvedHttpOptions } from "./options.ts";

/**
 * Hono's environment for the app: the authenticated principal (null when auth is off), and the
 * connection facts the runtime adapter passes as bindings (absent under `app.request()`).
 */
export interface AppEnv {
  Variables: { principal: Principal | null };
  Bindings: Partial<ConnectionInfo> | undefined;
}

/** The app's context object. */
export type AppContext = Context<AppEnv>;

/** Shared state of one app. */
export interface HttpContext {
  broker: BrokerApi;
  options: ResolvedHttpOptions;
  metrics: HttpMetrics;
  members: MemberPositions;
  /** Open SSE streams (bounded by `sseStreamsMax`). */
  sse: { open: number };
}

/**
 * Checks, when auth is on, that the request's principal holds `access` on `topic`.
 *
 * @throws {RivuletError} `forbidden`
 */
export function authorize(c: AppContext, access: Access, topic: string | null): void {
  const principal = c.get("principal");
  if (principal) requireAccess(principal, access, topic);
}

/** The client's IP address as the runtime saw the socket's peer; "" when unknown. */
export function clientAddress(c: AppContext): string {
  return c.env?.remoteAddress ?? "";
}

/** A signal that aborts when the client goes away or the server shuts down. */
export function requestSignal(c: AppContext, ctx: HttpContext): AbortSignal {
  return AbortSignal.any([c.req.raw.signal, ctx.options.signal]);
}
