/**
 * Child server processes for the benchmark: a free port on 127.0.0.1, spawn with output kept
 * for error messages, wait until the port answers, stop by PID (SIGTERM, then SIGKILL).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";

/** A server process started by the benchmark. */
export interface ServerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything it printed so far (last 64 KB). */
  output(): string;
  /** Stops it by PID and waits for it to exit. */
  stop(): Promise<void>;
}

const OUTPUT_BYTES_MAX = 64 * 1024;
const STOP_GRACE_MS = 5_000;

/** Resolves once a TCP connection to 127.0.0.1:`port` succeeds; rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (!alive()) throw new Error("the process exited before it listened");
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => { socket.destroy(); resolve(true); });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/**
 * Starts a server process.
 *
 * @param command the executable
 * @param args its arguments
 * @param options working directory and environment additions
 * @returns the running process (not yet known to be ready: wait for its port)
 */
export function startProcess(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): ServerProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_BYTES_MAX);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("error", (error) => keep(Buffer.from(String(error))));
  return {
    get pid() {
      return child.pid ?? -1;
    },
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      process.kill(child.pid, "SIGTERM");
      const timer = setTimeout(() => { if (child.exitCode === null && child.pid) process.kill(child.pid, "SIGKILL"); }, STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** True while the process has not exited. */
export function isRunning(server: ServerProcess): boolean {
  return server.child.exitCode === null && server.child.signalCode === null;
}
