/**
 * The client's one way to the server: `fetch` with the base URL, the bearer token and typed
 * errors, plus the retry loop (exponential backoff with jitter, `Retry-After` honoured, up to a
 * deadline) that idempotent calls use. Web APIs only.
 */
import { errorFromResponse, networkError, RivuletHttpError } from "./errors.ts";

/** Options shared by every client. */
export interface TransportOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** A bearer token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** The `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
}

/** One request. */
export interface CallInit {
  method?: string;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** A JSON body (serialized here) … */
  json?: unknown;
  /** … or a raw one. */
  body?: BodyInit;
  signal?: AbortSignal;
}

/** Backoff of the retry loop, in ms. */
const backoffMinMs = 50;
const backoffMaxMs = 2_000;

export class Transport {
  readonly #base: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: TransportOptions) {
    this.#base = options.url.replace(/\/+$/, "");
    this.#token = options.token;
    // Called unbound: some runtimes' fetch refuses a `this` other than the global.
    const f = options.fetch ?? globalThis.fetch;
    this.#fetch = (input, init) => f(input, init);
  }

  /** The absolute URL of `path` with `query`. */
  url(path: string, query?: Record<string, string | number | undefined>): string {
    let url = this.#base + path;
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(name, String(value));
    const search = params.toString();
    if (search) url += `?${search}`;
    return url;
  }

  /**
   * Sends a request; resolves with a 2xx response (body unread).
   *
   * @throws {RivuletHttpError} for a non-2xx answer, or `network_error` when none came
   */
  async send(path: string, init: CallInit = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers["content-type"] ??= "application/json";
    }
    let response: Response;
    try {
      response = await this.#fetch(this.url(path, init.query), { method: init.method ?? "GET", headers, body, signal: init.signal });
    } catch (error) {
      if (init.signal?.aborted) throw new RivuletHttpError(0, "aborted", "the request was aborted", { retriable: false, cause: error });
      throw networkError(error);
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }

  /** Sends a request and parses its JSON answer (undefined for an empty one). */
  async json<T>(path: string, init: CallInit = {}): Promise<T> {
    const response = await this.send(path, init);
    const text = await response.text();
    if (text === "") return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new RivuletHttpError(response.status, "bad_response", "the answer is not JSON", { retriable: false, cause: error });
    }
  }
}

/**
 * Runs `attempt` until it succeeds, `shouldRetry` refuses its error, or `deadline` (ms since
 * the epoch) would pass; waits between tries with exponential backoff and jitter, or as long as
 * the server's `Retry-After` asks.
 *
 * @throws the last error
 */
export async function withRetries<T>(attempt: () => Promise<T>, shouldRetry: (error: unknown) => boolean, deadline: number, signal?: AbortSignal): Promise<T> {
  let backoff = backoffMinMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const asked = error instanceof RivuletHttpError && error.retryAfterSeconds !== null ? error.retryAfterSeconds * 1000 : 0;
      const wait = Math.max(asked, backoff / 2 + Math.random() * backoff / 2);
      if (!shouldRetry(error) || signal?.aborted || Date.now() + wait >= deadline) throw error;
      await delay(wait, signal);
      backoff = Math.min(backoff * 2, backoffMaxMs);
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
