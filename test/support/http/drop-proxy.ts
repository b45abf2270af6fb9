/**
 * A TCP proxy on 127.0.0.1 that loses answers: it passes each request on to the real server
 * and, by default, cuts both connections as soon as the server starts answering. The server
 * has then handled the request in full, and the client never learns its outcome: the flaky
 * network an edge client retries over. A policy chooses, per request (by its head: request
 * line and headers), to drop the answer, pass it, or pass it until the answer so far would match
 * a pattern and cut it there, before the matching piece (a stream dropped mid-way).
 */
import { createServer, connect, type Server, type Socket } from "node:net";

/** What happens to one request's answer. */
export type DropPolicy = "drop" | "pass" | { cutAt: RegExp };

export interface DropProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Answers cut so far (dropped or cut mid-way). */
  readonly dropped: number;
  /** The head of every request seen, in order. */
  readonly heads: string[];
  close(): Promise<void>;
}

const requestLine = /^[A-Z]+ \S+ HTTP\/1\.[01]\r\n/;

/**
 * @param port the real server's port on 127.0.0.1
 * @param policy chooses per request head (default: drop every answer)
 * @returns the running proxy
 */
export async function startDropProxy(port: number, policy: (head: string) => DropPolicy = () => "drop"): Promise<DropProxy> {
  const sockets = new Set<Socket>();
  const heads: string[] = [];
  let dropped = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(port, "127.0.0.1");
    sockets.add(client).add(upstream);
    let mode: DropPolicy = "pass";
    let answer = "";
    const cut = () => {
      dropped++;
      client.destroy();
      upstream.destroy();
    };
    client.on("close", () => sockets.delete(client));
    upstream.on("close", () => sockets.delete(upstream));
    client.on("data", (chunk) => {
      const text = chunk.toString("latin1");
      if (requestLine.test(text)) {
        const head = text.split("\r\n\r\n", 1)[0];
        heads.push(head);
        mode = policy(head);
        answer = "";
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (mode === "drop") return cut();
      if (mode !== "pass") {
        answer += chunk.toString("latin1");
        if (mode.cutAt.test(answer)) return cut();
      }
      client.write(chunk);
    });
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the proxy has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    get dropped() {
      return dropped;
    },
    heads,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
