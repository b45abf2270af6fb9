/**
 * `rivulet dev-cluster`: a cluster on this machine for trying it — etcd (the `etcd` found on
 * PATH) with its own data directory on free 127.0.0.1 ports, and N brokers as child processes
 * (`rivulet serve --etcd … --broker-id i`), each with its own data directory. Prints where
 * everything is; SIGINT or SIGTERM stops the brokers (gracefully, logs flushed), then etcd.
 */
import { parseArgs } from "node:util";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CliError } from "../cli-error.ts";
import { onShutdownSignal } from "../../runtime/shutdown-signals.ts";
import { entryCommand } from "../../runtime/spawn-script.ts";
import { freePort } from "../../runtime/free-port.ts";

export const devClusterHelp = `rivulet dev-cluster — etcd and N brokers on this machine, for trying a cluster

Usage: rivulet dev-cluster [options]

  --brokers N        how many brokers (default 3, at most 9)
  --base-port N      broker i listens for HTTP on N+i-1 and for Kafka on N+1000+i-1
                     (default 8081; 0 picks free ports)
  --data-dir DIR     keep etcd's and the brokers' data here (default: a temporary directory,
                     removed on exit)
  --cluster-name N   the cluster's name in etcd (default "default")

etcd must be on PATH (Debian: apt-get install etcd-server). Stops everything on SIGINT or SIGTERM.`;

/** The `rivulet` command's entry: the brokers are this same program, started again. */
const cli = fileURLToPath(new URL("../bin.ts", import.meta.url));

/** A child process with its output kept (the last 64 KiB) and a way to wait for a line. */
interface Child {
  name: string;
  process: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function start(name: string, command: string, args: string[], echo: boolean): Child {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-65_536);
    if (echo) for (const line of chunk.toString().split("\n")) if (line.trim() !== "") console.log(`[${name}] ${line}`);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<number | null>((done) => child.once("close", (code) => done(code)));
  child.once("error", () => {});
  return { name, process: child, output: () => out, exited };
}

/** Resolves once `child` printed a match of `pattern`; rejects if it exits first or takes longer than `ms`. */
function printed(child: Child, pattern: RegExp, ms: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(new CliError(`${child.name} did not start within ${ms} ms:\n${child.output().slice(-2000)}`))), ms);
    const look = () => {
      const match = child.output().match(pattern);
      if (match) finish(() => resolve(match));
    };
    const onExit = (code: number | null) => finish(() => reject(new CliError(`${child.name} exited (${code}) before it was ready:\n${child.output().slice(-2000)}`)));
    child.process.stdout!.on("data", look);
    child.process.stderr!.on("data", look);
    void child.exited.then(onExit);
    let done = false;
    function finish(then: () => void) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.process.stdout!.off("data", look);
      child.process.stderr!.off("data", look);
      then();
    }
    look();
  });
}

/** Sends SIGTERM and waits for the exit (SIGKILL after `graceMs`). */
async function stop(child: Child, graceMs: number): Promise<void> {
  const proc = child.process;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill("SIGTERM");
  const force = setTimeout(() => proc.kill("SIGKILL"), graceMs);
  await child.exited;
  clearTimeout(force);
}

function etcdOnPath(): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "etcd"))) return join(dir, "etcd");
  }
  return existsSync("/usr/bin/etcd") ? "/usr/bin/etcd" : null;
}

/** `rivulet dev-cluster`. */
export async function devClusterCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      brokers: { type: "string", default: "3" },
      "base-port": { type: "string", default: "8081" },
      "data-dir": { type: "string" },
      "cluster-name": { type: "string", default: "default" },
    },
  });
  const count = Number(values.brokers);
  if (!Number.isInteger(count) || count < 1 || count > 9) throw new CliError("--brokers takes an integer from 1 to 9", 2);
  const base = Number(values["base-port"]);
  if (!Number.isInteger(base) || base < 0 || (base > 0 && base + 1000 + count > 65_535)) throw new CliError("--base-port takes 0 or a port that leaves room for N HTTP and N Kafka ports (+1000)", 2);
  const etcdBinary = etcdOnPath();
  if (!etcdBinary) throw new CliError("etcd is not on PATH (Debian: apt-get install etcd-server)", 1);
  const temporary = values["data-dir"] === undefined;
  const root = temporary ? mkdtempSync(join(tmpdir(), "rivulet-dev-cluster-")) : resolve(values["data-dir"]!);
  mkdirSync(root, { recursive: true });

  const children: Child[] = [];
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    const brokers = children.filter((c) => c.name !== "etcd");
    await Promise.all(brokers.map((c) => stop(c, 15_000)));
    const etcd = children.find((c) => c.name === "etcd");
    if (etcd) await stop(etcd, 10_000);
    if (temporary) rmSync(root, { recursive: true, force: true });
  };
  let offSignal = () => {};
  const signalled = new Promise<string>((done) => {
    offSignal = onShutdownSignal((signal) => done(signal));
  });
  try {
    const clientPort = await freePort();
    const peerPort = await freePort();
    const etcdUrl = `http://127.0.0.1:${clientPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcd = start("etcd", etcdBinary, [
      "--name", "dev", "--data-dir", join(root, "etcd"),
      "--listen-client-urls", etcdUrl, "--advertise-client-urls", etcdUrl,
      "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl, "--initial-cluster", `dev=${peerUrl}`,
      "--logger", "zap", "--log-outputs", "stderr",
    ], false);
    children.push(etcd);
    await printed(etcd, /serving client traffic|ready to serve client requests/, 30_000);
    const { command, args } = entryCommand(cli);
    const started: Array<{ id: number; url: string; kafka: string }> = [];
    for (let id = 1; id <= count; id++) {
      const port = base === 0 ? 0 : base + id - 1;
      const kafkaPort = base === 0 ? 0 : base + 1000 + id - 1;
      const broker = start(`broker ${id}`, command, [
        ...args, "serve", "--broker-id", String(id), "--etcd", etcdUrl, "--cluster-name", values["cluster-name"]!,
        "--data-dir", join(root, `broker-${id}`), "--host", "127.0.0.1", "--port", String(port), "--kafka-port", String(kafkaPort),
      ], false);
      children.push(broker);
      const match = await printed(broker, /serving (https?:\/\/\S+) .*Kafka protocol on (\S+)/, 60_000);
      started.push({ id, url: match[1], kafka: match[2] });
    }
    console.log(`rivulet: dev cluster "${values["cluster-name"]}" with ${count} broker${count === 1 ? "" : "s"} (data in ${root}${temporary ? ", removed on exit" : ""})`);
    console.log(`  etcd      ${etcdUrl}`);
    for (const b of started) console.log(`  broker ${b.id}  ${b.url}  kafka ${b.kafka}`);
    console.log(`rivulet: ready; try: rivulet cluster describe --url ${started[0].url}  (Ctrl-C stops everything)`);
    const exited = Promise.race(children.map((c) => c.exited.then((code) => ({ c, code }))));
    const reason = await Promise.race([signalled.then((s) => ({ signal: s })), exited]);
    if ("signal" in reason) console.log(`rivulet: ${reason.signal}, stopping the dev cluster`);
    else if (!stopping) console.error(`rivulet: ${reason.c.name} exited (${reason.code}); stopping the dev cluster:\n${reason.c.output().slice(-2000)}`);
    await stopAll();
    console.log("rivulet: dev cluster stopped");
    return "signal" in reason ? 0 : 1;
  } catch (error) {
    await stopAll();
    throw error;
  } finally {
    offSignal();
  }
}
