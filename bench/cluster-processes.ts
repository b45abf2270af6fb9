/**
 * The processes of `rivulet bench --cluster`: one etcd (from PATH or /usr/bin, fast Raft timings
 * so a lease is granted for what it says) and broker processes (bench/cluster-broker.ts) on fixed
 * ports of 127.0.0.1, each killable with SIGKILL and startable again on the same data directory
 * and ports.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { scriptCommand } from "../runtime/spawn-script.ts";
import { freePort } from "../runtime/free-port.ts";

/** Longest wait for a process to say it is ready, ms. */
const readyMsMax = 60_000;
const outputBytesMax = 64 * 1024;
const brokerScript = fileURLToPath(new URL("./cluster-broker.ts", import.meta.url));
const root = fileURLToPath(new URL("..", import.meta.url));

/** The etcd executable, or null when it is not installed. */
export function etcdPath(): string | null {
  for (const dir of ["/usr/bin", ...(process.env.PATH ?? "").split(delimiter)]) {
    if (dir && existsSync(join(dir, "etcd"))) return join(dir, "etcd");
  }
  return null;
}

/** Spawns `command` and resolves once its output matches `ready` (rejects if it exits first). */
function launch(command: string, args: string[], ready: RegExp, options: { cwd?: string } = {}): Promise<{ child: ChildProcess; output: () => string; match: RegExpMatchArray }> {
  const child = spawn(command, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not become ready in ${readyMsMax} ms:\n${out.slice(-4000)}`)), readyMsMax);
    let done = false;
    const keep = (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-outputBytesMax);
      const match = done ? null : out.match(ready);
      if (match) {
        done = true;
        clearTimeout(timer);
        resolve({ child, output: () => out, match });
      }
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (!done) reject(new Error(`${command} exited (${code ?? signal}) before it was ready:\n${out.slice(-4000)}`));
    });
  });
}

/** Kills a child by pid with `signal` and waits for its exit. */
async function end(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(child.pid, signal);
  const force = setTimeout(() => child.pid && child.exitCode === null && process.kill(child.pid, "SIGKILL"), 10_000);
  await exited;
  clearTimeout(force);
}

/** A running etcd. */
export interface BenchEtcd {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts one etcd member in a temporary directory. */
export async function startEtcd(binary: string): Promise<BenchEtcd> {
  const dir = mkdtempSync(join(tmpdir(), "rivulet-bench-etcd-"));
  const client = `http://127.0.0.1:${await freePort()}`;
  const peer = `http://127.0.0.1:${await freePort()}`;
  const { child } = await launch(binary, [
    "--name", "n1", "--data-dir", join(dir, "member"),
    "--listen-client-urls", client, "--advertise-client-urls", client,
    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", `n1=${peer}`,
    "--heartbeat-interval", "50", "--election-timeout", "500", "--logger", "zap", "--log-outputs", "stderr",
  ], /serving client traffic|ready to serve client requests/);
  return {
    endpoint: client,
    async stop() {
      await end(child, "SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One broker process of the benchmark. */
export class BenchBroker {
  readonly id: number;
  readonly dataDir: string;
  readonly port: number;
  readonly kafkaPort: number;
  readonly #cluster: { etcd: string; leaseTtlMs: number } | null;
  #child: ChildProcess | null = null;
  #output: () => string = () => "";

  private constructor(id: number, dataDir: string, port: number, kafkaPort: number, cluster: { etcd: string; leaseTtlMs: number } | null) {
    this.id = id;
    this.dataDir = dataDir;
    this.port = port;
    this.kafkaPort = kafkaPort;
    this.#cluster = cluster;
  }

  /** Starts a broker (alone when `cluster` is null) on two free ports. */
  static async start(id: number, dataDir: string, cluster: { etcd: string; leaseTtlMs: number } | null): Promise<BenchBroker> {
    const broker = new BenchBroker(id, dataDir, await freePort(), await freePort(), cluster);
    await broker.restart();
    return broker;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get kafkaAddress(): string {
    return `127.0.0.1:${this.kafkaPort}`;
  }

  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  get running(): boolean {
    return this.#child !== null && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  output(): string {
    return this.#output();
  }

  /** Starts the process (again) on the same data directory and ports; resolves once it serves. */
  async restart(): Promise<void> {
    const { command, args } = scriptCommand(brokerScript);
    const extra = this.#cluster ? [String(this.id), this.#cluster.etcd, String(this.#cluster.leaseTtlMs)] : [];
    const started = await launch(command, [...args, this.dataDir, String(this.port), String(this.kafkaPort), ...extra], /serving (\S+) kafka (\d+)/, { cwd: root });
    this.#child = started.child;
    this.#output = started.output;
  }

  /** kill -9. */
  kill(): Promise<void> {
    return end(this.#child, "SIGKILL");
  }

  /** A graceful stop. */
  stop(): Promise<void> {
    return end(this.#child, "SIGTERM");
  }
}
