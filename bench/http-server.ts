/**
 * The server side of the HTTP benchmark, as its own process: a broker on a temporary data
 * directory behind `serve()` on 127.0.0.1. Prints `{"port":N}` once listening, answers a `cpu`
 * line on stdin with `{"cpuUs":N}`, and stops cleanly on SIGTERM or when stdin closes.
 *
 *   node --import tsx bench/http-server.ts   |   bun bench/http-server.ts   |   deno run -A bench/http-server.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { createInterface } from "node:readline";
import { Broker } from "../broker/broker.ts";
import { serve } from "../http/serve.ts";

const dataDir = mkdtempSync(join(tmpdir(), "rivulet-http-bench-"));
const broker = await Broker.open({ dataDir });
const server = await serve(broker, { port: 0 });
console.log(JSON.stringify({ port: server.port }));

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server.close();
  await broker.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
process.stdin.on("close", () => void stop());
// "cpu" on stdin answers the process's CPU time so far (every thread), in µs.
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() === "cpu") {
    const { user, system } = process.cpuUsage();
    console.log(JSON.stringify({ cpuUs: user + system }));
  }
});
