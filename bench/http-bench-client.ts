/**
 * The HTTP benchmark's client: keep-alive HTTP/1.1 over `node:http` (cheaper than `fetch` at
 * these rates) and a Server-Sent Events reader.
 */
import { Agent, request } from "node:http";
import { Buffer } from "node:buffer";

/** A reply with its whole body. */
export interface BenchReply {
  status: number;
  body: Buffer;
}

/** Keep-alive requests to one origin. */
export class BenchClient {
  readonly #agent: Agent;
  readonly #host: string;
  readonly #port: number;

  /** @param port the server's port on 127.0.0.1; @param sockets connections kept alive */
  constructor(port: number, sockets: number) {
    this.#host = "127.0.0.1";
    this.#port = port;
    this.#agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  /** Sends a request; rejects on network errors and non-2xx statuses. */
  send(method: string, path: string, body?: Uint8Array | string, headers: Record<string, string> = {}): Promise<BenchReply> {
    return new Promise((resolve, reject) => {
      const all = body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) };
      const req = request({ host: this.#host, port: this.#port, method, path, agent: this.#agent, headers: all }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const reply = { status: res.statusCode ?? 0, body: Buffer.concat(chunks) };
          if (reply.status >= 200 && reply.status < 300) resolve(reply);
          else reject(new Error(`${method} ${path}: HTTP ${reply.status} ${reply.body.toString("utf8").slice(0, 300)}`));
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  /**
   * Opens an SSE stream on its own connection and calls `onEvent` with each event's `data`.
   *
   * @returns once the headers arrived; `close()` ends the stream
   */
  events(path: string, onEvent: (data: string) => void): Promise<{ close(): void }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: this.#host, port: this.#port, method: "GET", path }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${path}: HTTP ${res.statusCode}`));
        res.setEncoding("utf8");
        let pending = "";
        res.on("data", (chunk: string) => {
          pending += chunk;
          let end: number;
          while ((end = pending.indexOf("\n\n")) >= 0) {
            const block = pending.slice(0, end);
            pending = pending.slice(end + 2);
            const at = block.indexOf("\ndata: ");
            if (at >= 0) onEvent(block.slice(at + 7));
          }
        });
        res.on("error", () => {});
        resolve({ close: () => req.destroy() });
      });
      req.on("error", reject);
      req.end();
    });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.#agent.destroy();
  }
}
