/**
 * The server side of the HTTP benchmark, as its own process: a broker on a temporary data
 * directory behind `serve()` on 127.0.0.1. Prints `{"port":N}` once listening, answers a `cpu`
 * line on stdin with `{"cpuUs":N}`, and stops cleanly on SIGTERM or when stdin closes.
 *
 *   node --import tsx bench/http-server.ts   |   bun bench/http-server.ts   |   deno run -A bench/http-server.ts
 */
import process from "node:process";
import { createInterface } from "node:readline";
import { startTempServer } from "../test/support/temp-server.ts";

const { server, stop } = await startTempServer("rivulet-http-bench-");
console.log(JSON.stringify({ port: server.port }));

process.stdin.on("close", () => void stop());
// "cpu" on stdin answers the process's CPU time so far (every thread), in µs.
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() === "cpu") {
    const { user, system } = process.cpuUsage();
    console.log(JSON.stringify({ cpuUs: user + system }));
  }
});
