/**
 * A real etcd for tests: one member on two free ports of 127.0.0.1 with its data in a temporary
 * directory, fast Raft timings (`--heartbeat-interval 50 --election-timeout 500`, so a lease of
 * one second is granted as one second), started from `/usr/bin/etcd` or PATH and stopped by its
 * PID. Tests that need it skip with a printed reason when etcd is not installed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { tempDir } from "./temp-dir.ts";
import { freePort } from "../../runtime/free-port.ts";
import { EtcdClient } from "../../cluster/etcd/etcd-client.ts";

/** A running test etcd. */
export interface TestEtcd {
  /** Its client URL, e.g. `http://127.0.0.1:40123`. */
  endpoint: string;
  /** The current process id. */
  pid(): number;
  /** Stops it (SIGTERM, then SIGKILL after 10 s) and waits for the exit; the data stays. */
  stop(): Promise<void>;
  /** Starts it again on the same ports with the same data. */
  restart(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
  /** What it printed (for failure messages). */
  output(): string;
}

/** The etcd executable, or null when it is not installed. */
export function etcdBinary(): string | null {
  const dirs = ["/usr/bin", ...(process.env.PATH ?? "").split(delimiter)];
  for (const dir of dirs) {
    const path = join(dir, "etcd");
    if (dir && existsSync(path)) return path;
  }
  return null;
}

/** The reason to print when skipping, or null when etcd is there. */
export function etcdMissingReason(): string | null {
  return etcdBinary() ? null : "etcd is not installed (apt-get install etcd-server): cluster tests skipped";
}

/** Resolves once etcd answers a read (the log line comes as the listener starts serving). */
async function answers(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/v3/kv/range`, { method: "POST", body: JSON.stringify({ key: "AA==" }) });
  await response.text();
  if (!response.ok) throw new Error(`etcd at ${endpoint} answered ${response.status}`);
}

const running = new Set<ChildProcess>();
/** How many times {@link startEtcd} picks new ports when another process took one first. */
const ETCD_PORT_ATTEMPTS = 5;
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts an etcd and waits until it serves clients.
 *
 * @throws {Error} when etcd is missing or does not become ready in 30 s
 */
/**
 * One etcd for a test file: started before its tests (with a client on it, handed to
 * `started`), stopped after them. Returns why the file's tests are skipped (printed once), or
 * null when etcd is installed.
 */
export function useEtcd(suite: { before(fn: () => Promise<void>): void; after(fn: () => Promise<void>): void }, started: (etcd: TestEtcd, client: EtcdClient) => void): string | null {
  const skip = etcdMissingReason();
  let etcd: TestEtcd | undefined;
  suite.before(async () => {
    if (skip) return;
    try {
      etcd = await startEtcd();
    } catch (error) {
      // uvu drops an error thrown by a before hook without a word: say it here
      console.error(`etcd could not be started: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
    started(etcd, new EtcdClient({ endpoints: [etcd.endpoint] }));
  });
  suite.after(async () => {
    await etcd?.dispose();
  });
  if (skip) console.log(`SKIP ${skip}`);
  return skip;
}

export async function startEtcd(): Promise<TestEtcd> {
  const binary = etcdBinary();
  if (!binary) throw new Error(etcdMissingReason()!);
  const data = tempDir("rivulet-etcd-");
  let client = "";
  let args: string[] = [];
  /** Two distinct ports the OS just gave out; another process may still take one before etcd binds it (see launch). */
  const choosePorts = async (attempt: number) => {
    const clientPort = await freePort();
    let peerPort = await freePort();
    while (peerPort === clientPort) peerPort = await freePort();
    client = `http://127.0.0.1:${clientPort}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    args = [
      "--name", "n1",
      "--data-dir", join(data.dir, `member-${attempt}`), // a failed attempt's files stay out of the next
      "--listen-client-urls", client,
      "--advertise-client-urls", client,
      "--listen-peer-urls", peer,
      "--initial-advertise-peer-urls", peer,
      "--initial-cluster", `n1=${peer}`,
      "--heartbeat-interval", "50",
      "--election-timeout", "500",
      "--logger", "zap",
      "--log-outputs", "stderr",
    ];
  };
  let child: ChildProcess | null = null;
  let out = "";

  const launch = () =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
      let ready = false;
      child = proc;
      running.add(proc);
      const timer = setTimeout(() => reject(new Error(`etcd did not become ready in 30 s:\n${out.slice(-4000)}`)), 30_000);
      proc.stderr!.on("data", (chunk: Buffer) => {
        out = (out + chunk.toString()).slice(-64_000);
        // zap's line once the client listener serves (capnslog said "ready to serve client requests").
        if (!ready && /serving client traffic|ready to serve client requests/.test(out)) {
          ready = true;
          clearTimeout(timer);
          resolve(answers(client));
        }
      });
      proc.once("exit", (code, signal) => {
        running.delete(proc);
        clearTimeout(timer);
        reject(new Error(`etcd exited (${code ?? signal}) before it was ready:\n${out.slice(-4000)}`));
      });
    });

  const stop = async () => {
    const proc = child as ChildProcess | null;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    process.kill(proc.pid!, "SIGTERM");
    const force = setTimeout(() => proc.pid && process.kill(proc.pid, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(force);
    running.delete(proc);
  };

  // A port taken by another process between freePort and etcd's bind: new ports, a bounded number of times.
  for (let attempt = 1; ; attempt++) {
    await choosePorts(attempt);
    try {
      await launch();
      break;
    } catch (error) {
      if (attempt >= ETCD_PORT_ATTEMPTS || !/address already in use/.test(out)) {
        data.remove();
        throw error;
      }
      out = "";
    }
  }
  out = "";
  return {
    endpoint: client,
    pid: () => (child as ChildProcess | null)?.pid ?? -1,
    stop,
    restart: async () => {
      await stop();
      out = "";
      await launch();
    },
    dispose: async () => {
      await stop();
      data.remove();
    },
    output: () => out,
  };
}

/**
 * `promise`, or a failure naming `what` when it has not settled within `ms`: a bound on a wait
 * for an event, so a test that would hang fails instead. Never a sleep.
 */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
