/**
 * A TCP proxy on 127.0.0.1 that loses answers: it passes each request on to the real server
 * and, as soon as the server starts answering, cuts both connections. The server has then
 * handled the request in full, and the client never learns its outcome — the flaky network an
 * edge client retries over.
 */
import { createServer, connect, type Server, type Socket } from "node:net";

export interface DropProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Answers cut so far. */
  readonly dropped: number;
  close(): Promise<void>;
}

/**
 * @param port the real server's port on 127.0.0.1
 * @returns the running proxy
 */
export async function startDropProxy(port: number): Promise<DropProxy> {
  const sockets = new Set<Socket>();
  let dropped = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(port, "127.0.0.1");
    sockets.add(client).add(upstream);
    client.on("close", () => sockets.delete(client));
    upstream.on("close", () => sockets.delete(upstream));
    client.on("data", (chunk) => upstream.write(chunk));
    upstream.once("data", () => {
      dropped++;
      client.destroy();
      upstream.destroy();
    });
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the proxy has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    get dropped() {
      return dropped;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
