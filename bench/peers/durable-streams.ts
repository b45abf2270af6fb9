/**
 * The Durable Streams protocol, measured on two servers with the same cases: the reference server
 * (`@durable-streams/server` in file-backed mode, which fdatasyncs every append before
 * acknowledging it) in its own process, and Rivulet's own implementation under `/v1/stream/`
 * (flush=always by default, so equally durable). Both are driven by the same keep-alive HTTP
 * client as Rivulet's API: JSON-mode streams, POSTs of 1,000 values with 4 in flight, GET reads
 * from the start until up to date, and SSE (`live=sse`) for latency. Durable Streams has no
 * record keys, so only values are sent.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HttpClient } from "../harness/http-client.ts";
import { forEachSeq, valueJson } from "../harness/records.ts";
import { isRunning, startProcess, waitForPort } from "../harness/server-process.ts";
import { freePort } from "../../runtime/free-port.ts";
import { metered, meteredLatency, sendWindowed } from "../harness/throughput.ts";
import type { RivuletServer } from "./rivulet-http.ts";
import { SCENARIO, type Case, type System } from "./system.ts";

const IN_FLIGHT = 4;
const START_TIMEOUT_MS = 30_000;
const JSON_TYPE = { "content-type": "application/json" };

function body(first: number, count: number): string {
  const values: string[] = [];
  for (let i = first; i < first + count; i++) values.push(valueJson(i));
  return JSON.stringify(values);
}

/** Where a Durable Streams server is and how its rows are labelled. */
interface DsTarget {
  origin: string;
  /** Path prefix of streams, e.g. `` or `/v1/stream`. */
  prefix: string;
  /** The server's PID, for its CPU. */
  pid: number;
  system: string;
  /** For the reference server: the Rivulet row to set it against. */
  compareTo?: string;
  /** The same, for the produce case only (default `compareTo`). */
  produceCompareTo?: string;
  note: string;
}

/** The produce, consume and latency cases against one Durable Streams server. */
function dsCases(t: DsTarget, client: HttpClient): Case[] {
  const path = (kind: string, round: number) => `${t.prefix}/bench-ds-${kind}-${round}`;
  return [
    {
      scenario: SCENARIO.produce, system: t.system, compareTo: t.produceCompareTo ?? t.compareTo,
      note: `${t.note}; POSTs of 1,000 JSON values, 4 in flight`,
      run: async (round, sizes) => {
        await client.ok("PUT", path("tp", round), undefined, JSON_TYPE);
        return metered(t.pid, async () => {
          await sendWindowed(sizes.records, IN_FLIGHT, async (first, count) => {
            await client.ok("POST", path("tp", round), body(first, count), JSON_TYPE);
          });
          return sizes.records;
        });
      },
    },
    {
      scenario: SCENARIO.consume, system: t.system, compareTo: t.compareTo, note: "GET from offset -1 until Stream-Up-To-Date",
      run: async (round, sizes) => {
        const result = await metered(t.pid, async () => {
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
      scenario: SCENARIO.latency, system: t.system, compareTo: t.compareTo, note: "POSTs as records fall due, SSE (live=sse) from now",
      run: async (round, sizes) => {
        const stream = path("lat", round);
        await client.ok("PUT", stream, undefined, JSON_TYPE);
        const sse = new HttpClient(t.origin, 1);
        try {
          return await meteredLatency(t.pid, sizes, round, {
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
}

/**
 * Rivulet's own Durable Streams endpoint on a running Rivulet server, or why it is skipped (a
 * build without `/v1/stream/`). Stopping it leaves the server to its own system.
 *
 * @param server the Rivulet server process
 */
export async function rivuletDurableStreamsSystem(server: RivuletServer): Promise<System | { skip: string }> {
  const origin = `http://127.0.0.1:${server.httpPort}`;
  const client = new HttpClient(origin, IN_FLIGHT + 1);
  const probe = await client.send("PUT", "/v1/stream/bench-ds-probe", undefined, JSON_TYPE);
  if (probe.status !== 201 && probe.status !== 200) {
    client.close();
    return { skip: `this Rivulet build does not serve /v1/stream/ (PUT answered ${probe.status})` };
  }
  await client.send("DELETE", "/v1/stream/bench-ds-probe");
  const cases = dsCases({ origin, prefix: "/v1/stream", pid: server.process.pid, system: "rivulet durable streams", note: "Rivulet's /v1/stream/, flush=always (fdatasync before acknowledging)" }, client);
  return { name: "rivulet durable streams", cases, stop: async () => client.close() };
}

/**
 * Starts the reference server and lists its cases, or says why it is skipped.
 *
 * @param options `compareTo`: the Rivulet system to set it against (main.ts passes Rivulet's
 *   own Durable Streams rows when they run; without it, produce is set against Rivulet's HTTP
 *   JSON with flush=always and the other cases against the best Rivulet row)
 * @returns the system, or a reason to skip it
 */
export async function startDurableStreams(options: { compareTo?: string } = {}): Promise<System | { skip: string }> {
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
  const origin = `http://127.0.0.1:${port}`;
  const client = new HttpClient(origin, IN_FLIGHT + 1);
  const cases = dsCases({
    origin, prefix: "", pid: server.pid, system: "durable streams (reference)", compareTo: options.compareTo,
    produceCompareTo: options.compareTo ?? "rivulet http json flush=always",
    note: "@durable-streams/server, file-backed (fdatasync per append)",
  }, client);
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
