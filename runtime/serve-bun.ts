/** Bun's server adapter: `Bun.serve`. */
import type { RunningServer, ServeFetch } from "./serve-types.ts";

interface BunServer {
  port: number;
  requestIP(request: Request): { address: string } | null;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
}

declare const Bun: {
  serve(options: {
    fetch: (request: Request, server: BunServer) => Response | Promise<Response>;
    hostname: string;
    port: number;
    tls?: { cert: string; key: string };
    maxRequestBodySize: number;
    idleTimeout: number;
  }): BunServer;
};

/** Bun counts its idle timeout in whole seconds, at most 255. */
const bunIdleTimeoutSecondsMax = 255;

/** Serves a fetch handler on Bun. */
export const serveFetch: ServeFetch = async (options) => {
  const server = Bun.serve({
    fetch: (request, server) => options.fetch(request, { remoteAddress: server.requestIP(request)?.address ?? "" }),
    hostname: options.hostname,
    port: options.port,
    tls: options.tls,
    maxRequestBodySize: options.maxRequestBodyBytes,
    idleTimeout: Math.min(bunIdleTimeoutSecondsMax, Math.ceil(options.idleTimeoutMs / 1000)),
  });
  const running: RunningServer = {
    port: server.port,
    async shutdown(graceMs) {
      const graceful = Promise.resolve(server.stop(false));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), graceMs)));
      const outcome = await Promise.race([graceful, late]);
      clearTimeout(timer);
      if (outcome === "late") await server.stop(true);
    },
  };
  return running;
};
