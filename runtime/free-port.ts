/**
 * A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it), for starting child
 * servers and brokers. Another process may take it before the caller binds it; callers that
 * must not race bind port 0 themselves.
 */
import { createServer } from "node:net";

/** Asks the OS for a free port on 127.0.0.1 and releases it at once. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
