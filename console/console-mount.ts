/**
 * The console as a mount of the HTTP app (its `HttpMount` shape, written out here because
 * front ends do not import each other): with auth on, the host authenticates every request
 * but the page shells and assets (`isPublic`), counts failures under the `console` door, and
 * hands the principal to the console's API.
 */
import type { Hono } from "hono";
import type { BrokerApi } from "../broker/types.ts";
import type { ConsoleEnv } from "./context.ts";
import { createConsoleApp } from "./create-console-app.ts";
import type { ConsoleOptions } from "./options.ts";
import { resolveConsoleOptions } from "./options.ts";

/** What a host mounts. */
export interface ConsoleMount {
  path: string;
  app: Hono<ConsoleEnv>;
  door: "console";
  /** GET and HEAD requests outside `{path}/api`: the shells and assets, which hold no data. */
  isPublic: (request: Request) => boolean;
}

/**
 * The console ready to mount.
 *
 * @param broker the broker the pages show
 * @param options as for {@link createConsoleApp}; `authRequired` must say whether the host authenticates
 * @returns the mount
 * @example
 * ```ts
 * createApp(broker, { auth, mounts: [consoleMount(broker, { authRequired: true })] });
 * ```
 */
export function consoleMount(broker: BrokerApi, options: ConsoleOptions = {}): ConsoleMount {
  const { basePath } = resolveConsoleOptions(options);
  const api = `${basePath}/api`;
  return {
    path: basePath,
    app: createConsoleApp(broker, options).app,
    door: "console",
    isPublic(request) {
      if (request.method !== "GET" && request.method !== "HEAD") return false;
      let path: string;
      try {
        // Decoded as the router decodes it (`/console/%61pi/…` is routed to the API).
        path = decodeURI(new URL(request.url).pathname);
      } catch {
        return false;
      }
      // Belt and braces: the API's handlers also refuse a request without a principal when auth is on.
      return path !== api && !path.startsWith(`${api}/`);
    },
  };
}
