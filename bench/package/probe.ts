/**
 * Measurements of a `rivulet` command as a user starts it: cold start to the first 200 from
 * `/health`, the first produce after it, idle memory, and `rivulet produce` end to end. Each
 * starts a fresh process on 127.0.0.1 and stops it by its PID. Linux: RSS and CPU time come
 * from /proc.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { freePort } from "../../runtime/free-port.ts";

/** How to start one `rivulet` command: executable, arguments before the verb, working directory. */
export interface Launcher {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
}

/** One cold start: wall and CPU time to the first 200 from /health, then the first produce. */
export interface ColdStart {
  healthMs: number;
  /** CPU time (user + system, all threads) the process had used when /health first answered 200. */
  cpuMs: number;
  /** From that 200 until one record was acknowledged on every partition. */
  firstProduceMs: number;
}

const healthPollMs = 2;
const giveUpMs = 60_000;

/** A plain HTTP request (no keep-alive, no fetch machinery): status and body. */
export function httpRequest(url: string, method = "GET", body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers: body ? { "content-type": "application/json" } : {} }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** User + system CPU of a process, in ms (Linux: /proc/PID/stat, 100 ticks per second). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resident memory of a process, in MB (Linux: /proc/PID/status). */
export function rssMbOf(pid: number): number {
  const match = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)\s+kB/);
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) / 1024;
}

/** A started `rivulet serve` process. */
export interface Started {
  child: ChildProcess;
  url: string;
  spawnedAt: number;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `serve` on a free port; does not wait for it. */
export async function startServe(launcher: Launcher, dataDir: string): Promise<Started> {
  const port = await freePort();
  const spawnedAt = performance.now();
  const child = spawn(launcher.command, [...launcher.args, "serve", "--data-dir", dataDir, "--port", String(port)], {
    cwd: launcher.cwd,
    env: { ...process.env, ...launcher.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    spawnedAt,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Polls /health until it answers 200; returns that moment. Throws if the process exits first. */
export async function waitHealthy(started: Started): Promise<number> {
  for (;;) {
    if (started.child.exitCode !== null || started.child.signalCode !== null) throw new Error(`serve exited: ${started.output().slice(-1000)}`);
    if (performance.now() - started.spawnedAt > giveUpMs) throw new Error(`no 200 from /health within ${giveUpMs} ms: ${started.output().slice(-1000)}`);
    const status = await httpRequest(`${started.url}/health`).then((r) => r.status, () => 0);
    if (status === 200) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, healthPollMs));
  }
}

/** One record to each of `partitions` partitions of `topic`, at once; every one must be acknowledged. */
export async function produceToEach(url: string, topic: string, partitions: number): Promise<void> {
  const replies = await Promise.all(Array.from({ length: partitions }, (_, partition) =>
    httpRequest(`${url}/v1/topics/${topic}/records`, "POST", JSON.stringify({ records: [{ partition, value: { first: true } }] }))));
  const failed = replies.filter((r) => r.status !== 200);
  if (failed.length > 0) throw new Error(`first produce failed: ${failed.map((r) => `${r.status} ${r.body}`).join("; ")}`);
}

/**
 * A cold start on an existing data directory: spawn → first 200 from /health, then one produce
 * to every partition of `topic`.
 */
export async function coldStart(launcher: Launcher, dataDir: string, topic: string, partitions: number): Promise<ColdStart> {
  const started = await startServe(launcher, dataDir);
  try {
    const healthyAt = await waitHealthy(started);
    const cpuMs = cpuMsOf(started.child.pid!);
    await produceToEach(started.url, topic, partitions);
    return { healthMs: healthyAt - started.spawnedAt, cpuMs, firstProduceMs: performance.now() - healthyAt };
  } finally {
    await started.stop();
  }
}

/**
 * Resident memory of an idle server: started, every partition's worker running (no partition
 * listed as restarting by /health), then `settleMs` with no requests.
 */
export async function idleRss(launcher: Launcher, dataDir: string, settleMs: number): Promise<number> {
  const started = await startServe(launcher, dataDir);
  try {
    await waitHealthy(started);
    for (;;) {
      const health = JSON.parse((await httpRequest(`${started.url}/health`)).body) as { restarting_partitions?: unknown[] };
      if (!health.restarting_partitions?.length) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return rssMbOf(started.child.pid!);
  } finally {
    await started.stop();
  }
}

/** `rivulet produce TOPIC` of one line, spawn to exit, against a running server. */
export async function cliProduceMs(launcher: Launcher, url: string, topic: string): Promise<number> {
  const begun = performance.now();
  const child = spawn(launcher.command, [...launcher.args, "produce", topic, "--url", url], { cwd: launcher.cwd, env: { ...process.env, ...launcher.env }, stdio: ["pipe", "ignore", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  child.stdin!.end('{"one":"record"}\n');
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  if (code !== 0 || !/produced 1 record/.test(err)) throw new Error(`rivulet produce failed (${code}): ${err}`);
  return performance.now() - begun;
}
