/**
 * Registers routes from their declarations ({@link RouteSpec}): the Hono handler, the auth
 * check the declaration asks for, and the entry in the OpenAPI registry, all from one place.
 */
import type { Hono } from "hono";
import type { Authenticator } from "../auth/authenticator.ts";
import { requireAccess } from "../auth/rights.ts";
import type { AppContext, AppEnv } from "./context.ts";
import type { RouteRegistry } from "./openapi/registry.ts";
import type { RouteSpec } from "./openapi/route-spec.ts";
import { parseTopic } from "./params.ts";

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
    this.#app.on(spec.method.toUpperCase(), spec.path, (c) => {
      c.set("principal", null);
      if (tokens && access !== "public") {
        const principal = tokens.bearer(c.req.header("authorization"));
        c.set("principal", principal);
        if (access !== "token") requireAccess(principal, access.access, parseTopic(c.req.param("topic")));
      }
      return handler(c);
    });
  }
}
