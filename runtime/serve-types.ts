/**
 * The contract each runtime's HTTP server adapter implements (`serve-node.ts`, `serve-bun.ts`,
 * `serve-deno.ts`): serve a web-standard `fetch` handler on a host and port, optionally over
 * TLS, tell the handler the peer's address ({@link ConnectionInfo}), and shut down gracefully.
 */

/**
 * Facts about the connection a request came on, taken from the runtime's socket (never from
 * request headers, so a client cannot choose them). Handed to the handler as its second
 * argument, which Hono exposes as `c.env`.
 */
export interface ConnectionInfo {
  /** The peer's IP address ("" when the runtime does not tell). */
  remoteAddress: string;
}

/** A web-standard request handler (`app.fetch`), given the connection's facts. */
export type FetchHandler = (request: Request, connection: ConnectionInfo) => Response | Promise<Response>;

/** What an adapter needs. */
export interface ServeFetchOptions {
  fetch: FetchHandler;
  hostname: string;
  /** 0 picks a free port. */
  port: number;
  /** PEM certificate and key: serve HTTPS. */
  tls?: { cert: string; key: string };
  /** Bodies larger than this may be refused by the runtime itself (the app checks its own, smaller limit first). */
  maxRequestBodyBytes: number;
  /** Longest a connection may sit without bytes (long-polls and SSE keep-alives stay below it). */
  idleTimeoutMs: number;
}

/** A listening server. */
export interface RunningServer {
  /** The bound port. */
  port: number;
  /**
   * Stops accepting, lets in-flight requests finish for up to `graceMs`, then closes every
   * connection.
   */
  shutdown(graceMs: number): Promise<void>;
}

/** An adapter: starts a server. */
export type ServeFetch = (options: ServeFetchOptions) => Promise<RunningServer>;
