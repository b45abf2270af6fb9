/**
 * A broker running as its own process, for chaos tests: started from a command line, ready once
 * it prints `serving <url>`, and hit with process faults — kill -9, SIGSTOP/SIGCONT, a graceful
 * stop — and started again on the same data directory and ports.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, chownSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** `RIVULET_CHAOS_BROKER_LOGS=dir`: every broker's whole output is also appended to `dir/broker-N.log`, for reading a failed run. */
const logDir = process.env.RIVULET_CHAOS_BROKER_LOGS;

/** How to start one broker. */
export interface BrokerSpec {
  /** The broker's id (1 for the single-broker form). */
  id: number;
  /** The address it listens on, e.g. `127.0.0.2`. */
  host: string;
  port: number;
  kafkaPort: number;
  dataDir: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd: string;
  /**
   * Run it as this user (through `setpriv`; its data directory is handed to it), so network cuts
   * can single its packets out by user id (see `NetworkCuts.cutUser`). Needs root.
   */
  uid?: number;
}

/** Bound on a start or a graceful stop, ms: past it the test fails rather than hangs. */
const startMsMax = 60_000;
const stopMsMax = 30_000;

/**
 * Sends a signal by pid: Deno's `ChildProcess.kill` sends nothing after its first call (it marks
 * the child killed), so a SIGCONT after a SIGSTOP would be lost there.
 */
function signal(child: ChildProcess, name: NodeJS.Signals): void {
  try {
    process.kill(child.pid!, name);
  } catch {
    // already gone
  }
}

/** One broker process. Not thread-safe; owned by the test. */
export class BrokerProcess {
  readonly spec: BrokerSpec;
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #output = "";
  #paused = false;

  constructor(spec: BrokerSpec) {
    this.spec = spec;
  }

  get id(): number {
    return this.spec.id;
  }

  /** `host:kafkaPort`, for Kafka clients. */
  get kafkaAddress(): string {
    return `${this.spec.host}:${this.spec.kafkaPort}`;
  }

  get url(): string {
    return `http://${this.spec.host}:${this.spec.port}`;
  }

  /** True while its process runs (paused included). */
  get running(): boolean {
    return this.#child !== null;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** The last 16 KiB it printed, for failure messages. */
  output(): string {
    return this.#output;
  }

  /**
   * Starts the process and resolves once it serves.
   *
   * @param env extra environment for this start only (e.g. a debug switch)
   * @throws {Error} when it exits first or does not serve within a minute
   */
  start(env: Record<string, string> = {}): Promise<void> {
    if (this.#child) throw new Error(`broker ${this.id} is already running`);
    const { uid } = this.spec;
    let [command, args] = [this.spec.command, this.spec.args];
    if (uid !== undefined) {
      mkdirSync(this.spec.dataDir, { recursive: true });
      chownSync(this.spec.dataDir, uid, uid);
      [command, args] = ["setpriv", ["--reuid", String(uid), "--regid", String(uid), "--clear-groups", command, ...args]];
    }
    const home = uid === undefined ? {} : { HOME: tmpdir() };
    // setpriv execs the command: the pid is the broker's own, for signals
    const child = spawn(command, args, { cwd: this.spec.cwd, env: { ...process.env, ...home, ...this.spec.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    this.#child = child;
    this.#paused = false;
    this.#exited = new Promise((resolve) => child.once("close", () => resolve()));
    void this.#exited.then(() => {
      if (this.#child === child) this.#child = null;
    });
    return new Promise((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => reject(new Error(`broker ${this.id} did not serve within ${startMsMax} ms:\n${this.#output}`)), startMsMax);
      const onData = (chunk: Buffer) => {
        this.#output = (this.#output + chunk.toString()).slice(-16_384);
        if (logDir) appendFileSync(join(logDir, `broker-${this.id}.log`), chunk);
        if (!ready && /serving https?:\/\//.test(this.#output)) {
          ready = true;
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      void this.#exited.then(() => {
        clearTimeout(timer);
        if (!ready) reject(new Error(`broker ${this.id} exited before serving:\n${this.#output}`));
      });
    });
  }

  /** SIGKILL, as a crash: nothing is flushed or closed. Resolves once the process is gone. */
  async kill9(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    signal(child, "SIGKILL");
    await this.#exited;
    this.#paused = false;
  }

  /** SIGSTOP: the process stops running (its sockets stay open) until {@link resume}. */
  pause(): void {
    if (!this.#child || this.#paused) return;
    signal(this.#child, "SIGSTOP");
    this.#paused = true;
  }

  /** SIGCONT after {@link pause}. */
  resume(): void {
    if (!this.#child || !this.#paused) return;
    signal(this.#child, "SIGCONT");
    this.#paused = false;
  }

  /** SIGTERM (after SIGCONT if paused) and waits for a graceful exit; SIGKILL past 30 s. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.resume();
    signal(child, "SIGTERM");
    const force = setTimeout(() => signal(child, "SIGKILL"), stopMsMax);
    await this.#exited;
    clearTimeout(force);
  }

  /** A graceful stop, then a start. */
  async restart(env: Record<string, string> = {}): Promise<void> {
    await this.stop();
    await this.start(env);
  }
}
