/**
 * The exactly-once crash workload: an input topic pre-filled with numbered records, a broker
 * child process (`broker-child.ts`) that is SIGKILLed again and again on one data directory,
 * and a kafkajs transactional worker child (`worker-child.ts`) restarted after each kill. The
 * nemesis kills at a chosen step of the worker's history (mid-transaction after the outputs
 * were sent, while the commit is in flight, or between transactions), so every round crashes
 * something real. A last round runs without a kill until the group's committed offsets reach
 * the end of the input; then the output topic is read read_committed and read_uncommitted and
 * the {@link TxnHistory} is returned for `check-history.ts`. Tests only.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Kafka, logLevel } from "kafkajs";
import { Broker } from "../../../mod.ts";
import type { FetchOptions } from "../../../broker/types.ts";
import { scriptCommand } from "../../../runtime/spawn-script.ts";
import { parseWorkerLines, type OutputRecord, type TxnHistory } from "./history.ts";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const brokerChild = join(root, "test", "support", "txn", "broker-child.ts");
const workerChild = join(root, "test", "support", "txn", "worker-child.ts");

/** Where in the worker's history the nemesis kills the broker. */
export type KillPoint = "sent" | "commit" | "committed";

/** Options of {@link runWorkload}. */
export interface WorkloadOptions {
  dataDir: string;
  /** Kill rounds before the last, undisturbed one. */
  rounds: number;
  /** The worker's mode (see `worker-child.ts`); anything but `exactly-once` is deliberately broken. */
  mode: "exactly-once" | "offsets-outside";
  inputPartitions: number;
  outputPartitions: number;
  recordsPerPartition: number;
  /** Input records per transaction, at most. */
  chunk: number;
  /** Abort every n-th transaction on purpose (0: never), so aborted records sit in the log. */
  abortEvery?: number;
  /** Kill points to pick from, round by round. */
  killAt: KillPoint[];
  seed: number;
  /** Each round's progress line. */
  log?: (line: string) => void;
  /** A backstop per round against a hang (not a wait the outcome depends on). */
  roundTimeoutMs?: number;
}

const INPUT = "txn-input";
const OUTPUT = "txn-output";
const GROUP = "txn-workers";
const TRANSACTIONAL_ID = "txn-worker";

/** A child process whose stdout lines are handed to `onLine` and kept. */
interface Child {
  proc: ChildProcess;
  output(): string;
  /** Settles once the process has exited. */
  exited: Promise<string>;
  kill(): Promise<void>;
}

function startChild(script: string, args: string[], onLine: (line: string) => void): Child {
  const { command, args: runtimeArgs } = scriptCommand(script);
  const proc = spawn(command, [...runtimeArgs, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let pending = "";
  let all = "";
  proc.stdout!.on("data", (chunk: Uint8Array) => {
    const text = new TextDecoder().decode(chunk);
    all += text;
    pending += text;
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      onLine(line);
    }
  });
  proc.stderr!.on("data", (chunk: Uint8Array) => (all += new TextDecoder().decode(chunk)));
  const exited = new Promise<string>((resolve) => proc.on("close", (code, signal) => resolve(String(code ?? signal))));
  return {
    proc,
    output: () => all.slice(-3000),
    exited,
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      await exited;
    },
  };
}

/** Starts the broker child; resolves with its Kafka address once it listens. */
async function startBroker(dataDir: string, workers: number): Promise<{ child: Child; address: string }> {
  let ready!: (port: string) => void;
  const port = new Promise<string>((resolve) => (ready = resolve));
  const child = startChild(brokerChild, [dataDir, String(workers)], (line) => {
    if (line.startsWith("ready ")) ready(line.slice(6));
  });
  const started = await Promise.race([port, child.exited.then((how) => Promise.reject(new Error(`broker child exited (${how}) before listening:\n${child.output()}`)))]);
  return { child, address: `127.0.0.1:${started}` };
}

/** Pre-fills the input topic (`in-<partition>-<n>` at offset n) and creates the output topic. */
async function prefill(options: WorkloadOptions): Promise<string[]> {
  const broker = await Broker.open({ dataDir: options.dataDir, maxWorkers: options.inputPartitions + options.outputPartitions });
  try {
    await broker.createTopic(INPUT, { partitions: options.inputPartitions });
    await broker.createTopic(OUTPUT, { partitions: options.outputPartitions });
    const inputs: string[] = [];
    for (let p = 0; p < options.inputPartitions; p++) {
      const values = Array.from({ length: options.recordsPerPartition }, (_, n) => `in-${p}-${n}`);
      await broker.produce(INPUT, values.map((value) => ({ key: value, value, partition: p })));
      inputs.push(...values);
    }
    return inputs;
  } finally {
    await broker.close();
  }
}

/** Every output record of `partition`, read with `isolation` from offset 0 to the end. */
async function readOutput(broker: Broker, partition: number, isolation: "read_committed" | "read_uncommitted"): Promise<OutputRecord[]> {
  const out: OutputRecord[] = [];
  for (let offset = 0; ; ) {
    const options: FetchOptions = { offset, maxRecords: 10_000, isolation };
    const { records, nextOffset, highWatermark } = await broker.fetch(OUTPUT, partition, options);
    for (const r of records) {
      const [input, txn] = new TextDecoder().decode(r.value ?? new Uint8Array()).split("|");
      out.push({ input, txn, partition, offset: r.offset });
    }
    // A fetch over aborted data or markers only returns no records but moves on.
    if (nextOffset >= highWatermark || nextOffset <= offset) break;
    offset = nextOffset;
  }
  return out;
}

/**
 * Runs the workload and gathers its history.
 *
 * @throws {Error} when a child fails on its own (its output in the message) or a round outlives its backstop
 */
export async function runWorkload(options: WorkloadOptions): Promise<TxnHistory> {
  const log = options.log ?? (() => {});
  const inputs = await prefill(options);
  const workers = options.inputPartitions + options.outputPartitions + 2;
  const lines: string[] = [];
  let seed = options.seed;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
  const workerArgs = (address: string, round: number, holdAfterSent = 0) => [address, INPUT, OUTPUT, GROUP, TRANSACTIONAL_ID, `w${round}`, options.mode, String(options.chunk), String(options.abortEvery ?? 0), String(holdAfterSent)];
  const backstop = (ms: number, what: string, worker: Child) =>
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} outlived its ${ms} ms backstop; the worker's last output:\n${worker.output()}`)), ms).unref?.());
  const roundTimeoutMs = options.roundTimeoutMs ?? 120_000;

  const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
  for (let round = 0; round < options.rounds; round++) {
    const roundStarted = performance.now();
    const killAt = options.killAt[Math.floor(random() * options.killAt.length)];
    const after = 1 + Math.floor(random() * 4);
    // At "commit" the kill lands up to 20 ms after the line, so that the EndTxn sometimes
    // reaches the coordinator (half-written markers, a decided commit the worker never heard
    // of) and sometimes not; elsewhere at once, while the worker is still mid-step.
    const delayMs = killAt === "commit" ? Math.floor(random() * 20) : 0;
    const broker = await startBroker(options.dataDir, workers);
    let seen = 0;
    let trigger!: () => void;
    const triggered = new Promise<void>((resolve) => (trigger = resolve));
    // At "sent" the worker holds its transaction open after that line, so the kill lands inside it.
    const worker = startChild(workerChild, workerArgs(broker.address, round, killAt === "sent" ? after : 0), (line) => {
      lines.push(line);
      if (line.startsWith(`${killAt} `) && ++seen === after) {
        const kill = () => {
          broker.child.proc.kill("SIGKILL");
          trigger();
        };
        if (delayMs === 0) kill();
        else setTimeout(kill, delayMs);
      }
    });
    try {
      await Promise.race([
        triggered,
        worker.exited.then((how) => Promise.reject(new Error(`round ${round}: the worker exited (${how}) before the kill:\n${worker.output()}`))),
        broker.child.exited.then((how) => Promise.reject(new Error(`round ${round}: the broker exited (${how}) before the kill:\n${broker.child.output()}`))),
        backstop(roundTimeoutMs, `round ${round} (kill after ${after} × ${killAt})`, worker),
      ]);
    } finally {
      await broker.child.kill();
      await worker.kill();
    }
    log(`round ${round}: broker SIGKILLed ${delayMs ? `${delayMs} ms ` : ""}after ${after} × "${killAt}", worker restarted (${lines.length} history lines so far, ${seconds(roundStarted)})`);
  }

  // The last round: no kill, until the group has committed every input offset.
  const lastStarted = performance.now();
  const broker = await startBroker(options.dataDir, workers);
  const kafka = new Kafka({ clientId: "txn-checker", brokers: [broker.address], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  let checking: Promise<void> = Promise.resolve();
  const check = () => {
    checking = checking.then(async () => {
      const [fetched] = await admin.fetchOffsets({ groupId: GROUP, topics: [INPUT] });
      if (fetched.partitions.length === options.inputPartitions && fetched.partitions.every((p) => Number(p.offset) === options.recordsPerPartition)) done();
    });
    checking.catch(() => undefined);
  };
  const worker = startChild(workerChild, workerArgs(broker.address, options.rounds), (line) => {
    lines.push(line);
    if (line.startsWith("committed ") || line === "ready") check();
  });
  try {
    await admin.connect();
    check();
    await Promise.race([
      finished,
      worker.exited.then((how) => Promise.reject(new Error(`last round: the worker exited (${how}):\n${worker.output()}`))),
      broker.child.exited.then((how) => Promise.reject(new Error(`last round: the broker exited (${how}):\n${broker.child.output()}`))),
      backstop(roundTimeoutMs * 2, "the last round (the worker catching up)", worker),
    ]);
  } finally {
    await admin.disconnect().catch(() => undefined);
    await worker.kill();
    await broker.child.kill();
  }
  log(`last round: the group committed every input offset (${lines.length} history lines, ${seconds(lastStarted)})`);

  const reader = await Broker.open({ dataDir: options.dataDir, maxWorkers: workers });
  try {
    const readCommitted: OutputRecord[] = [];
    const readUncommitted: OutputRecord[] = [];
    for (let p = 0; p < options.outputPartitions; p++) {
      readCommitted.push(...(await readOutput(reader, p, "read_committed")));
      readUncommitted.push(...(await readOutput(reader, p, "read_uncommitted")));
    }
    const partitions = Array.from({ length: options.inputPartitions }, (_, partition) => ({ topic: INPUT, partition }));
    const committed = await reader.groups.fetchOffsets(GROUP, partitions);
    return {
      inputs,
      transactions: parseWorkerLines(lines),
      readCommitted,
      readUncommitted,
      finalOffsets: new Map(committed.filter((c) => c.offset >= 0).map((c) => [c.partition, c.offset])),
      inputEnd: new Map(partitions.map(({ partition }) => [partition, options.recordsPerPartition])),
    };
  } finally {
    await reader.close();
  }
}
