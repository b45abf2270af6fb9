/**
 * A broker and HTTP server in a child process that stops, for good, at one step of the first
 * idempotent produce request it sees, and says so on stdout: the parent then kills it with
 * SIGKILL, a crash at exactly that moment. Usage: `hooked-serve.ts <dataDir> <step>`, step:
 * - `after-sent`: every batch acknowledged, the registry not yet told the request is complete;
 * - `partly`: partition 0's batch acknowledged, partition 1's never sent.
 * Prints `serving <url>` when ready and `stopped <step>` when stopped.
 */
import { Broker } from "../../../groups/broker.ts";
import { serve } from "../../../server/serve.ts";
import type { RequestProducerTestHooks } from "../../../broker/request-producers.ts";

const [dataDir, step] = process.argv.slice(2);
const never = new Promise<void>(() => {});
const stop = (): Promise<void> => {
  console.log(`stopped ${step}`);
  return never;
};
let partitionZeroDone: () => void = () => {};
const partitionZero = new Promise<void>((resolve) => (partitionZeroDone = resolve));
const hooks: RequestProducerTestHooks = step === "after-sent"
  ? { afterBatchesSent: stop }
  : {
    afterBatch: (_topic, _request, partition) => {
      if (partition === 0) partitionZeroDone();
    },
    beforeBatch: async (_topic, _request, partition) => {
      if (partition !== 1) return;
      await partitionZero;
      await stop();
    },
  };
const broker = await Broker.open({ dataDir, maxWorkers: 2, requestProducerTestHooks: hooks });
const server = await serve(broker, { host: "127.0.0.1", port: 0 });
console.log(`serving ${server.url}`);
