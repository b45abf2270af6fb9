/**
 * The Durable Streams reference server (`@durable-streams/server`, file-backed) as its own
 * process, so its CPU is measured apart from the client's. Prints one JSON line `{"port":N}`
 * when ready; SIGTERM stops it.
 *
 *   node bench/peers/ds-server.ts DATA_DIR PORT   (run with --import tsx)
 */
import { DurableStreamTestServer } from "@durable-streams/server";

const [dataDir, port] = process.argv.slice(2);
if (!dataDir || !port) throw new TypeError("usage: ds-server.ts DATA_DIR PORT");
const server = new DurableStreamTestServer({ host: "127.0.0.1", port: Number(port), dataDir, longPollTimeout: 30_000 });
await server.start();
console.log(JSON.stringify({ port: Number(port) }));
process.on("SIGTERM", () => {
  void server.stop().then(() => process.exit(0));
});
