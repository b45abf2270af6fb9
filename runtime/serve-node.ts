/** Node's server adapter: @hono/node-server over `node:http` or `node:https`. */
import { type Http2Bindings, type HttpBindings, serve } from "@hono/node-server";
import type { Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { RunningServer, ServeFetch } from "./serve-types.ts";

/** Serves a fetch handler on Node. */
export const serveFetch: ServeFetch = (options) =>
  new Promise<RunningServer>((resolve, reject) => {
    const tls = options.tls ? { createServer: createHttpsServer, serverOptions: { cert: options.tls.cert, key: options.tls.key } } : {};
    // @hono/node-server hands the handler the node:http request; only its socket's peer
    // address goes on (the handler never sees Node objects).
    const fetch = (request: Request, env: HttpBindings | Http2Bindings) => options.fetch(request, { remoteAddress: env.incoming.socket.remoteAddress ?? "" });
    const server = serve({ fetch, hostname: options.hostname, port: options.port, ...tls }, (info) => {
      server.off("error", reject);
      const http = server as Server;
      http.keepAliveTimeout = Math.min(options.idleTimeoutMs, 5_000);
      resolve({ port: info.port, shutdown: (graceMs) => shutdown(http, graceMs) });
    }) as Server;
    server.once("error", reject);
  });

/** How often a closing server looks for connections that have gone idle (ended responses). */
const idleSweepMs = 25;

function shutdown(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    const sweep = setInterval(() => server.closeIdleConnections(), idleSweepMs);
    server.close(() => {
      clearTimeout(force);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}
