/**
 * Redis 7 Streams, started by the benchmark (Debian `redis-server`) with AOF `appendfsync
 * everysec` and no RDB snapshots, driven by ioredis: pipelined XADD in batches of 1,000 with 4
 * pipelines in flight, XRANGE reads of 10,000 entries (Buffer replies, so values are not decoded
 * to strings), and XREAD BLOCK for latency. Each record is `XADD stream * k KEY v VALUE`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { ensureBinary } from "../harness/install.ts";
import { keyText, seqOfBytes, valueText } from "../harness/records.ts";
import { isRunning, startProcess, waitForPort } from "../harness/server-process.ts";
import { freePort } from "../../runtime/free-port.ts";
import { metered, meteredLatency, sendWindowed } from "../harness/throughput.ts";
import { SCENARIO, type Case, type System } from "./system.ts";

const IN_FLIGHT = 4;
const RANGE_COUNT = 10_000;
const START_TIMEOUT_MS = 15_000;

type Entry = [Buffer, Buffer[]];
type StreamsReply = [Buffer, Entry[]][] | null;

/**
 * Starts redis-server and lists its cases, or says why it is skipped.
 *
 * @returns the system, or a reason to skip it
 */
export async function startRedis(): Promise<System | { skip: string }> {
  const binary = ensureBinary("redis-server", "redis-server");
  if ("skip" in binary) return binary;
  const dir = mkdtempSync(join(tmpdir(), "rivulet-bench-redis-"));
  const port = await freePort();
  const server = startProcess(binary.path, [
    "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes",
    "--appendfsync", "everysec", "--protected-mode", "no", "--daemonize", "no", "--logfile", "",
  ]);
  try {
    await waitForPort(port, START_TIMEOUT_MS, () => isRunning(server));
  } catch (error) {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    return { skip: `redis-server did not start: ${String(error)} ${server.output().slice(-500)}` };
  }
  const client = new Redis({ host: "127.0.0.1", port, enableAutoPipelining: false, maxRetriesPerRequest: 1 });
  const pid = server.pid;
  const stream = (kind: string, round: number) => `bench-${kind}-${round}`;
  const version = String((await client.info("server")).match(/redis_version:(\S+)/)?.[1] ?? "?");

  const cases: Case[] = [
    {
      scenario: SCENARIO.produce, system: "redis streams", compareTo: "rivulet http", note: `redis ${version}, AOF everysec; pipelines of 1,000 XADD, 4 in flight`,
      run: (round, sizes) => metered(pid, async () => {
        await sendWindowed(sizes.records, IN_FLIGHT, async (first, count) => {
          const pipeline = client.pipeline();
          for (let i = first; i < first + count; i++) pipeline.xadd(stream("tp", round), "*", "k", keyText(i), "v", valueText(i));
          const replies = await pipeline.exec();
          if (!replies || replies.some(([error]) => error)) throw new Error("XADD pipeline failed");
        });
        return sizes.records;
      }),
    },
    {
      scenario: SCENARIO.consume, system: "redis streams", compareTo: "rivulet http", note: "XRANGE of 10,000 entries, Buffer replies",
      run: async (round, sizes) => {
        const result = await metered(pid, async () => {
          let start = "-";
          let total = 0;
          for (;;) {
            const entries = (await client.xrangeBuffer(stream("tp", round), start, "+", "COUNT", RANGE_COUNT)) as unknown as Entry[];
            if (entries.length === 0) break;
            total += entries.length;
            start = `(${entries[entries.length - 1][0].toString("latin1")}`;
          }
          if (total !== sizes.records) throw new Error(`read ${total} of ${sizes.records}`);
          return total;
        });
        await client.del(stream("tp", round));
        return result;
      },
    },
    {
      scenario: SCENARIO.latency, system: "redis streams", compareTo: "rivulet http", note: "XADD pipelined as records fall due, XREAD BLOCK on a second connection",
      run: async (round, sizes) => {
        const name = stream("lat", round);
        const reader = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 1 });
        let open = true;
        const result = await meteredLatency(pid, sizes, round, {
          async subscribe(onSeq) {
            let last = "$";
            const loop = (async () => {
              while (open) {
                const reply = (await reader.xreadBuffer("BLOCK", 200, "STREAMS", name, last)) as unknown as StreamsReply;
                if (!reply) continue;
                for (const [, entries] of reply) {
                  for (const [id, fields] of entries) {
                    onSeq(seqOfBytes(fields[3]));
                    last = id.toString("latin1");
                  }
                }
              }
            })();
            await new Promise((resolve) => setTimeout(resolve, 50));
            return { close: async () => { open = false; await loop; } };
          },
          async send(seqs) {
            const pipeline = client.pipeline();
            for (const s of seqs) pipeline.xadd(name, "*", "k", keyText(s), "v", valueText(s));
            await pipeline.exec();
          },
        });
        reader.disconnect();
        await client.del(name);
        return result;
      },
    },
  ];
  return {
    name: "redis",
    cases,
    async stop() {
      client.disconnect();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
