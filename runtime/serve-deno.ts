/** Deno's server adapter: `Deno.serve`. */
import type { RunningServer, ServeFetch } from "./serve-types.ts";

interface DenoServer {
  addr: { port: number };
  finished: Promise<void>;
  shutdown(): Promise<void>;
}

declare const Deno: {
  serve(
    options: { hostname: string; port: number; cert?: string; key?: string; signal?: AbortSignal; onListen?: (addr: { port: number }) => void },
    handler: (request: Request, info: { remoteAddr: { hostname?: string } }) => Response | Promise<Response>,
  ): DenoServer;
};

/** Serves a fetch handler on Deno. */
export const serveFetch: ServeFetch = (options) =>
  new Promise<RunningServer>((resolve, reject) => {
    try {
      const server = Deno.serve({
        hostname: options.hostname,
        port: options.port,
        ...(options.tls ? { cert: options.tls.cert, key: options.tls.key } : {}),
        onListen: () => {},
      }, (request, info) => options.fetch(request, { remoteAddress: info.remoteAddr.hostname ?? "" }));
      resolve({
        port: server.addr.port,
        async shutdown(graceMs) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const late = new Promise<void>((done) => (timer = setTimeout(done, graceMs)));
          await Promise.race([server.shutdown(), late]);
          clearTimeout(timer);
        },
      });
    } catch (error) {
      reject(error);
    }
  });
