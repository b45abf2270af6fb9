/**
 * Rivulet as a server process for the network benchmarks, so its CPU is measured apart from the
 * client's, as the peers' is: a broker, the HTTP API and the Kafka listener on free ports of
 * 127.0.0.1. Prints one JSON line `{"http":PORT,"kafka":PORT|null}` when ready; SIGTERM closes.
 *
 *   node --import tsx bench/peers/rivulet-server.ts DATA_DIR
 */
import { Broker } from "../../transactions/broker.ts";
import { serve } from "../../server/serve.ts";

const dataDir = process.argv[2];
if (!dataDir) throw new TypeError("usage: rivulet-server.ts DATA_DIR");

const broker = await Broker.open({ dataDir });
const server = await serve(broker, { host: "127.0.0.1", port: 0 });
let kafka: { port: number; close(): Promise<void> } | null = null;
try {
  const { startKafkaListener } = await import("../../kafka/listener.ts");
  kafka = await startKafkaListener(broker, { host: "127.0.0.1", port: 0 });
} catch (error) {
  console.error(`kafka listener unavailable: ${String(error)}`);
}
console.log(JSON.stringify({ http: server.port, kafka: kafka?.port ?? null }));

let closing = false;
process.on("SIGTERM", () => {
  if (closing) return;
  closing = true;
  void (async () => {
    await kafka?.close();
    await server.close();
    await broker.close();
    process.exit(0);
  })();
});
