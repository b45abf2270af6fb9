/**
 * Registers routes from their declarations ({@link RouteSpec}): the Hono handler, the auth
 * check the declaration asks for, and the entry in the OpenAPI registry, all from one place.
 */
import type { Hono } from "hono";
import type { Authenticator } from "../auth/authenticator.ts";
import { type Principal, requireAccess, requireGroupAccess } from "../auth/rights.ts";
import { authenticateRequest } from "./authenticate-request.ts";
import type { AppContext, AppEnv } from "./context.ts";
import { parseId } from "./groups/group-params.ts";
import type { RouteRegistry } from "./openapi/registry.ts";
import type { RouteAccess, RouteSpec } from "./openapi/route-spec.ts";
import { parseTopic } from "./params.ts";
import { validateTopicName } from "../core/topic-name.ts";
import { forwardedHeader } from "../cluster/node/broker-http.ts";

/** A route handler. */
export type Handler = (c: AppContext) => Response | Promise<Response>;

/** Declares routes onto an app and a registry. */
export class Router {
  readonly #app: Hono<AppEnv>;
  readonly #registry: RouteRegistry;
  readonly #tokens: Authenticator | null;

  /**
   * @param app the Hono app routes are added to
   * @param registry where declarations are recorded for `/openapi.json`
   * @param tokens the authenticator, or null when auth is off
   */
  constructor(app: Hono<AppEnv>, registry: RouteRegistry, tokens: Authenticator | null) {
    this.#app = app;
    this.#registry = registry;
    this.#tokens = tokens;
  }

  /**
   * Declares a route and registers its handler behind the access check it declares.
   *
   * @param spec the route's declaration
   * @param handler answers the request
   */
  route(spec: RouteSpec, handler: Handler): void {
    this.#registry.add(spec);
    const tokens = this.#tokens;
    const access = spec.access;
    this.#app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      c.set("principal", null);
      if (tokens && access !== "public") {
        const principal = await authenticateRequest(c, tokens, "http");
        c.set("principal", principal);
        authorizeRoute(c, principal, access);
      }
      return handler(c);
    });
  }
}

/**
 * Checks the right a route declares on what its path names.
 *
 * @throws {RivuletError} `forbidden`; `invalid_topic_name` / `invalid_request` for a malformed name
 */
function authorizeRoute(c: AppContext, principal: Principal, access: RouteAccess): void {
  if (access === "public" || access === "token") return;
  if ("group" in access) requireGroupAccess(principal, parseId(c.req.param("group"), "group"));
  else requireAccess(principal, access.access, routeTopic(c));
}

/**
 * The path's topic for the access check. A request marked as another broker's may name an
 * internal topic (the Durable Streams coordinator reads and writes stream topics at their
 * leaders): the right is checked on it here, and the route itself admits the internal name only
 * from the inter-broker principal (routes/batches.ts).
 */
function routeTopic(c: AppContext): string {
  const raw = c.req.param("topic");
  if (c.req.header(forwardedHeader) === undefined) return parseTopic(raw);
  validateTopicName(raw, { internal: true });
  return raw!;
}
