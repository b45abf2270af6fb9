/**
 * Serves a web-standard `fetch` handler on whichever runtime this is, through that runtime's
 * adapter (loaded on demand, so no runtime imports another's server code).
 */
import { runtimeName } from "./runtime-name.ts";
import type { RunningServer, ServeFetchOptions } from "./serve-types.ts";

export type { ConnectionInfo, FetchHandler, RunningServer, ServeFetchOptions } from "./serve-types.ts";

/**
 * Starts an HTTP(S) server for `options.fetch` on Node (@hono/node-server), Bun (`Bun.serve`)
 * or Deno (`Deno.serve`).
 *
 * @param options handler, host, port, TLS and limits
 * @returns the running server
 * @example
 * ```ts
 * const server = await serveFetch({ fetch: app.fetch, hostname: "127.0.0.1", port: 0, maxRequestBodyBytes: 1 << 24, idleTimeoutMs: 120_000 });
 * await server.shutdown(1_000);
 * ```
 */
export async function serveFetch(options: ServeFetchOptions): Promise<RunningServer> {
  switch (runtimeName) {
    case "bun":
      return (await import("./serve-bun.ts")).serveFetch(options);
    case "deno":
      return (await import("./serve-deno.ts")).serveFetch(options);
    case "node":
      return (await import("./serve-node.ts")).serveFetch(options);
  }
}
