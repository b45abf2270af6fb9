/**
 * The broker the exactly-once crash test SIGKILLs: opens a Broker on `<dataDir>` (one worker per
 * partition of the workload) with the Kafka listener on a free 127.0.0.1 port, and prints
 * `ready <port>` once clients can connect. Runs until killed. Tests only.
 *
 * Usage: `<runtime> test/support/txn/broker-child.ts <dataDir> <maxWorkers>`
 */
import { writeLineSync } from "../write-line.ts";
import { Broker } from "../../../mod.ts";
import { startKafkaListener } from "../../../kafka/listener.ts";

const [dataDir, workersArg] = process.argv.slice(2);
if (!dataDir || !(Number(workersArg) > 0)) throw new TypeError("usage: broker-child.ts <dataDir> <maxWorkers>");
const broker = await Broker.open({ dataDir, maxWorkers: Number(workersArg) });
const listener = await startKafkaListener(broker, { host: "127.0.0.1", port: 0 });
writeLineSync(`ready ${listener.port}`);
