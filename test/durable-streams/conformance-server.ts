/**
 * A Rivulet server for the Durable Streams conformance suite: a broker on a fresh temporary
 * directory served by `serve()` on 127.0.0.1 (a free port), exactly as `rivulet serve` runs it.
 * Prints one JSON line `{"url": …}` once listening; SIGTERM closes the server and broker and
 * removes the directory.
 */
import { Broker } from "../../broker/broker.ts";
import { serve } from "../../http/serve.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const data = tempDir("rivulet-ds-conformance-");
const broker = await Broker.open({ dataDir: data.dir });
const server = await serve(broker, { host: "127.0.0.1", port: 0 });
console.log(JSON.stringify({ url: server.url }));

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server.close();
  await broker.close();
  data.remove();
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
