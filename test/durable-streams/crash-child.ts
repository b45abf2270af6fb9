/**
 * The victim of `streams-crash.test.ts`: opens a broker on `argv[2]` and the Durable Streams app
 * over it (no periodic snapshots, so recovery must replay the log), makes sure stream `c`
 * exists, then appends `e<epoch>s<seq>|` as producer `p` at epoch `argv[3]`, seq 0, 1, …, with
 * two appends in flight, printing `ack <seq>` (synchronously) as each one is acknowledged, until
 * it is killed.
 */
import { writeLineSync } from "../support/write-line.ts";
import { Broker } from "../../groups/broker.ts";
import { createDurableStreamsApp } from "../../durable-streams/mod.ts";

const [dir, epochArg] = process.argv.slice(2);
const epoch = Number(epochArg);
const broker = await Broker.open({ dataDir: dir, maxWorkers: 1 });
const app = createDurableStreamsApp(broker, { limits: { dsMaintenanceIntervalMs: 3_600_000 } });
const created = await app.request("/v1/stream/c", { method: "PUT", headers: { "content-type": "text/plain" } });
if (created.status !== 201 && created.status !== 200) throw new Error(`PUT: ${created.status}`);
writeLineSync("ready");

let next = 0;
async function lane(): Promise<void> {
  for (;;) {
    const seq = next++;
    const res = await app.request("/v1/stream/c", {
      method: "POST",
      headers: { "content-type": "text/plain", "producer-id": "p", "producer-epoch": String(epoch), "producer-seq": String(seq) },
      body: `e${epoch}s${seq}|`,
    });
    if (res.status !== 200) throw new Error(`POST seq ${seq}: ${res.status}`);
    writeLineSync(`ack ${seq}`);
  }
}
await Promise.all([lane(), lane()]);
