/**
 * One broker for the single-broker chaos run, as `rivulet serve` runs it (the broker opened on
 * a data directory, the HTTP API and the Kafka listener served on fixed ports, so clients find
 * it again after a restart), with fault injection on when `RIVULET_CHAOS_FAULT_INJECTION=1`
 * (the broken-mode test needs it). Prints `serving <url> kafka <port>` once listening; stops
 * gracefully on SIGTERM, flushing every log.
 *
 * Usage: `<runtime> test/support/chaos/broker-child.ts <dataDir> <host> <port> <kafkaPort>`
 */
import { Broker } from "../../../groups/broker.ts";
import { serve } from "../../../server/serve.ts";
import { onShutdownSignal } from "../../../runtime/shutdown-signals.ts";
import { writeLineSync } from "../write-line.ts";

const [dataDir, host, portArg, kafkaPortArg] = process.argv.slice(2);
if (!dataDir || !host || !portArg || !kafkaPortArg) throw new TypeError("usage: broker-child.ts <dataDir> <host> <port> <kafkaPort>");
const broker = await Broker.open({ dataDir, maxWorkers: 2, faultInjection: process.env.RIVULET_CHAOS_FAULT_INJECTION === "1" });
const server = await serve(broker, { host, port: Number(portArg), kafkaPort: Number(kafkaPortArg) });
writeLineSync(`serving ${server.url} kafka ${server.kafkaPort}`);
await new Promise<void>((done) => {
  const off = onShutdownSignal(() => {
    off();
    done();
  });
});
await server.close();
await broker.close();
writeLineSync("stopped");
process.exit(0);
