/**
 * A small keep-alive HTTP/1.1 client over `node:http`, shared by every HTTP system measured
 * (Rivulet's API and the Durable Streams server), so they see the same client. `fetch` is not
 * used: on Node its client alone costs about a core at these rates.
 */
import { Agent, request } from "node:http";

/** A response with its whole body. */
export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A keep-alive client for one origin. */
export class HttpClient {
  #agent: Agent;
  #origin: URL;

  /**
   * @param origin e.g. `http://127.0.0.1:8080`
   * @param sockets keep-alive connections at most (one request in flight on each)
   */
  constructor(origin: string, sockets = 8) {
    this.#origin = new URL(origin);
    this.#agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  /** Sends one request and reads the whole reply; rejects on a network error only. */
  send(method: string, path: string, body?: Uint8Array | string, headers: Record<string, string> = {}): Promise<HttpReply> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: this.#origin.hostname, port: this.#origin.port, method, path, agent: this.#agent, headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  /** Like `send`, but rejects unless the status is 2xx. */
  async ok(method: string, path: string, body?: Uint8Array | string, headers: Record<string, string> = {}): Promise<HttpReply> {
    const reply = await this.send(method, path, body, headers);
    if (reply.status < 200 || reply.status > 299) throw new Error(`${method} ${path}: HTTP ${reply.status} ${reply.body.toString("utf8").slice(0, 300)}`);
    return reply;
  }

  /**
   * Opens a Server-Sent Events stream on its own connection.
   *
   * @param path the stream's path and query
   * @param onData called with each event's `data` text (lines joined) and its `event` name
   * @returns resolves once the response headers arrived; `close()` ends the stream
   */
  events(path: string, onData: (data: string, event: string) => void): Promise<{ close(): void }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: this.#origin.hostname, port: this.#origin.port, method: "GET", path, headers: { accept: "text/event-stream" } }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`GET ${path}: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding("utf8");
        let pending = "";
        res.on("data", (chunk: string) => {
          pending += chunk;
          let end = pending.indexOf("\n\n");
          while (end >= 0) {
            dispatch(pending.slice(0, end), onData);
            pending = pending.slice(end + 2);
            end = pending.indexOf("\n\n");
          }
        });
        res.on("error", () => undefined);
        resolve({ close: () => req.destroy() });
      });
      req.on("error", (error) => reject(error));
      req.end();
    });
  }

  /** Closes idle connections. */
  close(): void {
    this.#agent.destroy();
  }
}

function dispatch(block: string, onData: (data: string, event: string) => void): void {
  let event = "message";
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("data:")) data += (data ? "\n" : "") + line.slice(line[5] === " " ? 6 : 5);
    else if (line.startsWith("event:")) event = line.slice(6).trim();
  }
  if (data) onData(data, event);
}
