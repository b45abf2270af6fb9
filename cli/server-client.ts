/**
 * The CLI's client for a running Rivulet server's HTTP API. Problem responses become
 * {@link CliError}s carrying the server's `code` and detail.
 */
import { CliError } from "./cli-error.ts";

export interface ServerClientOptions {
  url: string;
  token?: string;
}

export class ServerClient {
  readonly url: string;
  #token: string | undefined;

  constructor(options: ServerClientOptions) {
    this.url = options.url.replace(/\/+$/, "");
    this.#token = options.token;
  }

  /** Sends a JSON request and returns the parsed JSON reply. */
  async json<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    let response: Response;
    try {
      response = await fetch(this.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new CliError(`cannot reach the Rivulet server at ${this.url} (${(error as Error).message}); start one with \`rivulet serve\` or pass --url`);
    }
    const text = await response.text();
    const parsed = text ? safeJson(text) : null;
    if (!response.ok) {
      const problem = parsed as { code?: string; detail?: string; title?: string } | null;
      throw new CliError(`${response.status} ${problem?.code ?? ""}: ${problem?.detail ?? problem?.title ?? text}`.trim());
    }
    return parsed as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text };
  }
}
