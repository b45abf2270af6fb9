/**
 * Rivulet in-process, through the actor path (bench/broker.ts): produce with flush=os and
 * flush=always, and consume from offset 0, as cases of the interleaved rounds. Client and server
 * share this process, so one CPU figure covers both (worker threads included).
 */
import type { Broker } from "../../groups/broker.ts";
import { consumeRecords, openBenchBroker, produceRecords, rawAppendMs } from "../broker.ts";
import { startCpuMeter } from "../harness/cpu.ts";
import { VALUE_BYTES } from "../harness/records.ts";
import type { Case, Measured, System } from "../peers/system.ts";

/** Scenario names of the in-process cases. */
export const IN_PROCESS = {
  produceOs: "in-process produce, flush=os",
  produceAlways: "in-process produce, flush=always",
  consume: "in-process consume from offset 0",
  rawOs: "raw storage append, flush=os",
  rawAlways: "raw storage append, flush=always",
} as const;

/** The system name of the raw storage rows. */
export const RAW_STORAGE = "rivulet Log, one thread";

const NOTE = "8 partitions on worker threads, calls of 1,000 records, 32 in flight";

async function meteredMs(records: number, work: () => Promise<number>): Promise<Measured> {
  const meter = startCpuMeter(null);
  const ms = await work();
  const cpu = meter.stop();
  return { records, bytes: records * VALUE_BYTES, ms, clientPct: cpu.clientPct, serverPct: null };
}

/** The in-process system: cases that open and close their own brokers. */
export function inProcessSystem(): System {
  let open: { broker: Broker; remove(): void } | null = null;
  const close = async () => {
    if (!open) return;
    await open.broker.close();
    open.remove();
    open = null;
  };
  const cases: Case[] = [
    { scenario: IN_PROCESS.produceOs, system: "rivulet in-process", note: NOTE,
      run: async (_round, sizes) => {
        open = await openBenchBroker("os");
        const broker = open.broker;
        return meteredMs(sizes.inProcessRecords, () => produceRecords(broker, sizes.inProcessRecords));
      } },
    { scenario: IN_PROCESS.consume, system: "rivulet in-process", note: "8 partitions read in parallel, up to 50,000 records per fetch",
      run: async (_round, sizes) => {
        const broker = open!.broker;
        try {
          return await meteredMs(sizes.inProcessRecords, () => consumeRecords(broker, sizes.inProcessRecords));
        } finally {
          await close();
        }
      } },
    { scenario: IN_PROCESS.produceAlways, system: "rivulet in-process", note: `${NOTE}; group commit`,
      run: async (_round, sizes) => {
        open = await openBenchBroker("always");
        const broker = open.broker;
        try {
          return await meteredMs(sizes.inProcessRecords, () => produceRecords(broker, sizes.inProcessRecords));
        } finally {
          await close();
        }
      } },
    // The storage engine alone in the same rounds, to set the in-process produce against.
    { scenario: IN_PROCESS.rawOs, system: RAW_STORAGE, note: "the same records appended to one Log on this thread, batches of 1,000 encoded beforehand (not counted)",
      run: async (_round, sizes) => meteredMs(sizes.inProcessRecords, () => rawAppendMs("os", sizes.inProcessRecords)) },
    { scenario: IN_PROCESS.rawAlways, system: RAW_STORAGE, note: "as above, flush=always (group commit)",
      run: async (_round, sizes) => meteredMs(sizes.inProcessRecords, () => rawAppendMs("always", sizes.inProcessRecords)) },
  ];
  return { name: "rivulet in-process", cases, stop: close };
}
