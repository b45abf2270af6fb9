/**
 * `GET /api/session`: who the token belongs to, so the page can check a token typed into its
 * form (a wrong one is the host's 401) and show what the principal may do.
 */
import type { Hono } from "hono";
import { isClusterAdmin } from "../../auth/rights.ts";
import { type ConsoleEnv, type ConsoleState, principalOf } from "../context.ts";

/** Declares the session route. */
export function sessionRoutes(app: Hono<ConsoleEnv>, state: ConsoleState): void {
  app.get("/api/session", (c) => {
    const principal = principalOf(c, state);
    return c.json({
      auth: principal !== null,
      name: principal?.name ?? null,
      cluster_admin: principal === null || isClusterAdmin(principal),
    });
  });
}
