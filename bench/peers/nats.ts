/**
 * NATS JetStream, started by the benchmark (Debian `nats-server -js`) with file storage, driven
 * by @nats-io/jetstream: asynchronous publish with 1,000 unacknowledged publishes in flight, an
 * ordered (pull) consumer to read, and an ordered consumer from the stream's end for latency.
 * A record's key is its subject's last token (`bench.KEY`), the way keys are done in NATS.
 * JetStream's file store writes through the page cache and fsyncs every 2 minutes by default.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { DeliverPolicy, jetstream, jetstreamManager, StorageType, type JetStreamClient } from "@nats-io/jetstream";
import { ensureBinary } from "../harness/install.ts";
import { keyText, seqOfBytes, valueBytes } from "../harness/records.ts";
import { isRunning, startProcess, waitForPort } from "../harness/server-process.ts";
import { freePort } from "../../runtime/free-port.ts";
import { metered, meteredLatency } from "../harness/throughput.ts";
import { SCENARIO, type Case, type System } from "./system.ts";

const PUBLISHES_IN_FLIGHT = 1_000;
const START_TIMEOUT_MS = 15_000;

/** Publishes records 0 … total-1 keeping `window` acknowledgements outstanding. */
async function publishWindowed(js: JetStreamClient, prefix: string, total: number, window: number): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      await js.publish(`${prefix}.${keyText(i)}`, valueBytes(i));
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
}

/**
 * Starts nats-server with JetStream and lists its cases, or says why it is skipped.
 *
 * @returns the system, or a reason to skip it
 */
export async function startNats(): Promise<System | { skip: string }> {
  const binary = ensureBinary("nats-server", "nats-server");
  if ("skip" in binary) return binary;
  const dir = mkdtempSync(join(tmpdir(), "rivulet-bench-nats-"));
  const port = await freePort();
  const server = startProcess(binary.path, ["-js", "-sd", dir, "-a", "127.0.0.1", "-p", String(port)]);
  try {
    await waitForPort(port, START_TIMEOUT_MS, () => isRunning(server));
  } catch (error) {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    return { skip: `nats-server did not start: ${String(error)} ${server.output().slice(-500)}` };
  }
  const nc = await connect({ servers: `127.0.0.1:${port}`, noAsyncTraces: true });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const pid = server.pid;
  const name = (kind: string, round: number) => `BENCH_${kind}_${round}`;
  const subject = (kind: string, round: number) => `bench${kind}${round}`;
  const addStream = (kind: string, round: number) =>
    jsm.streams.add({ name: name(kind, round), subjects: [`${subject(kind, round)}.>`], storage: StorageType.File });

  const cases: Case[] = [
    {
      scenario: SCENARIO.produce, system: "nats jetstream", compareTo: "rivulet http", note: `nats-server ${nc.info?.version ?? "?"}, file storage; 1,000 publishes in flight`,
      run: async (round, sizes) => {
        await addStream("tp", round);
        return metered(pid, async () => {
          await publishWindowed(js, subject("tp", round), sizes.records, PUBLISHES_IN_FLIGHT);
          return sizes.records;
        });
      },
    },
    {
      scenario: SCENARIO.consume, system: "nats jetstream", compareTo: "rivulet http", note: "ordered pull consumer",
      run: async (round, sizes) => {
        const consumer = await js.consumers.get(name("tp", round), { deliver_policy: DeliverPolicy.All });
        const result = await metered(pid, async () => {
          const messages = await consumer.consume({ max_messages: 10_000 });
          let total = 0;
          for await (const m of messages) {
            if (m.data.length !== 100) throw new Error("short message");
            if (++total === sizes.records) break;
          }
          await messages.close();
          return total;
        });
        await jsm.streams.delete(name("tp", round));
        return result;
      },
    },
    {
      scenario: SCENARIO.latency, system: "nats jetstream", compareTo: "rivulet http", note: "publishes as records fall due, ordered consumer from the end",
      run: async (round, sizes) => {
        await addStream("lat", round);
        const result = await meteredLatency(pid, sizes, round, {
          async subscribe(onSeq) {
            const consumer = await js.consumers.get(name("lat", round), { deliver_policy: DeliverPolicy.New });
            const messages = await consumer.consume({ max_messages: 1_000 });
            const loop = (async () => {
              for await (const m of messages) onSeq(seqOfBytes(m.data));
            })();
            return { close: async () => { await messages.close(); await loop; } };
          },
          async send(seqs) {
            await Promise.all(seqs.map((s) => js.publish(`${subject("lat", round)}.${keyText(s)}`, valueBytes(s))));
          },
        });
        await jsm.streams.delete(name("lat", round));
        return result;
      },
    },
  ];
  return {
    name: "nats",
    cases,
    async stop() {
      await nc.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
