/**
 * One measurement of the start-up scenario, in a fresh process as a restarted server would be:
 * `Broker.open` on an existing data directory (timed), then one produce to each partition of
 * topic `bench` (timed from the end of the open: the broker serves at once). Prints one JSON line.
 *
 *   node --import tsx bench/scenarios/start-up-child.ts DATA_DIR PARTITIONS
 */
import { Broker } from "../../groups/broker.ts";

const [dataDir, partitionsArg] = process.argv.slice(2);
const partitions = Number(partitionsArg);
if (!dataDir || !(partitions > 0)) throw new TypeError("usage: start-up-child.ts DATA_DIR PARTITIONS");

const opening = performance.now();
const broker = await Broker.open({ dataDir });
const openMs = performance.now() - opening;
const producing = performance.now();
await Promise.all(Array.from({ length: partitions }, (_, partition) => broker.produce("bench", [{ key: "start-up", value: "first record after open", partition }])));
const firstProduceMs = performance.now() - producing;
await broker.close();
console.log(JSON.stringify({ openMs, firstProduceMs }));
