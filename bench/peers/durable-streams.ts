/**
 * The Durable Streams reference server (`@durable-streams/server` in file-backed mode, which
 * fdatasyncs every append before acknowledging it), in its own process, driven by the same
 * keep-alive HTTP client as Rivulet: JSON-mode streams, POSTs of 1,000 values with 4 in flight,
 * GET reads from the start until up to date, and SSE (`live=sse`) for latency. Durable Streams has
 * no record keys, so only values are sent.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HttpClient } from "../harness/http-client.ts";
import { forEachSeq, valueJson } from "../harness/records.ts";
import { freePort, isRunning, startProcess, waitForPort } from "../harness/server-process.ts";
import { metered, meteredLatency, sendWindowed } from "../harness/throughput.ts";
import { SCENARIO, type Case, type System } from "./system.ts";

const IN_FLIGHT = 4;
const START_TIMEOUT_MS = 30_000;
const JSON_TYPE = { "content-type": "application/json" };

function body(first: number, count: number): string {
  const values: string[] = [];
  for (let i = first; i < first + count; i++) values.push(valueJson(i));
  return JSON.stringify(values);
}

/**
 * Starts the reference server and lists its cases, or says why it is skipped.
 *
 * @returns the system, or a reason to skip it
 */
export async function startDurableStreams(): Promise<System | { skip: string }> {
  try {
    await import("@durable-streams/server");
  } catch (error) {
    return { skip: `@durable-streams/server is not installed (npm install): ${String(error)}` };
  }
  const dir = mkdtempSync(join(tmpdir(), "rivulet-bench-ds-"));
  const port = await freePort();
  const script = new URL("./ds-server.ts", import.meta.url).pathname;
  const server = startProcess(process.execPath, ["--import", "tsx", script, dir, String(port)]);
  try {
    await waitForPort(port, START_TIMEOUT_MS, () => isRunning(server));
  } catch (error) {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    return { skip: `the Durable Streams server did not start: ${String(error)} ${server.output().slice(-500)}` };
  }
  const client = new HttpClient(`http://127.0.0.1:${port}`, IN_FLIGHT + 1);
  const pid = server.pid;
  const path = (kind: string, round: number) => `/bench-${kind}-${round}`;

  const cases: Case[] = [
    {
      scenario: SCENARIO.produce, system: "durable streams (reference)", compareTo: "rivulet http json flush=always",
      note: "file-backed (fdatasync per append); POSTs of 1,000 JSON values, 4 in flight",
      run: async (round, sizes) => {
        await client.ok("PUT", path("tp", round), undefined, JSON_TYPE);
        return metered(pid, async () => {
          await sendWindowed(sizes.records, IN_FLIGHT, async (first, count) => {
            await client.ok("POST", path("tp", round), body(first, count), JSON_TYPE);
          });
          return sizes.records;
        });
      },
    },
    {
      scenario: SCENARIO.consume, system: "durable streams (reference)", note: "GET from offset -1 until Stream-Up-To-Date",
      run: async (round, sizes) => {
        const result = await metered(pid, async () => {
          let offset = "-1";
          let total = 0;
          for (;;) {
            const reply = await client.ok("GET", `${path("tp", round)}?offset=${offset}`);
            total += (JSON.parse(reply.body.toString("utf8")) as unknown[]).length;
            offset = String(reply.headers["stream-next-offset"]);
            if (reply.headers["stream-up-to-date"] === "true") break;
          }
          if (total !== sizes.records) throw new Error(`read ${total} of ${sizes.records}`);
          return total;
        });
        await client.send("DELETE", path("tp", round));
        return result;
      },
    },
    {
      scenario: SCENARIO.latency, system: "durable streams (reference)", note: "POSTs as records fall due, SSE (live=sse) from now",
      run: async (round, sizes) => {
        const stream = path("lat", round);
        await client.ok("PUT", stream, undefined, JSON_TYPE);
        const sse = new HttpClient(`http://127.0.0.1:${port}`, 1);
        try {
          return await meteredLatency(pid, sizes, round, {
            subscribe: (onSeq) => sse.events(`${stream}?offset=now&live=sse`, (data, event) => {
              if (event !== "data") return;
              JSON.parse(data);
              forEachSeq(data, onSeq);
            }),
            send: async (seqs) => {
              const values = seqs.map((s) => valueJson(s));
              await client.ok("POST", stream, JSON.stringify(values), JSON_TYPE);
            },
          });
        } finally {
          sse.close();
          await client.send("DELETE", stream);
        }
      },
    },
  ];
  return {
    name: "durable-streams",
    cases,
    async stop() {
      client.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
