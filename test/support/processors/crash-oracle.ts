/**
 * The crash oracle's run: a broker child running the oracle app (oracle-child.ts) on a fresh
 * data directory, SIGKILLed `brokerKills` times as the app's committed input passes evenly
 * spaced points and started again on the same directory; each incarnation also terminates one
 * pool worker. The last incarnation runs to the end and writes its result, which is checked
 * against the fold of the input ({@link checkOracle}).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { scriptCommand } from "../../../runtime/spawn-script.ts";
import { tempDir } from "../temp-dir.ts";
import { checkOracle, type OracleSummary } from "./oracle-check.ts";
import { foldInput, perPartition, ORACLE_PARTITIONS } from "./oracle-input.ts";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const childScript = fileURLToPath(new URL("./oracle-child.ts", import.meta.url));

/** A run's plan. */
export interface OracleRunOptions {
  guarantee: "at-least-once" | "exactly-once";
  records: number;
  brokerKills: number;
  /** Extra environment for the child (the broken mode's switch). */
  env?: Record<string, string>;
}

/** A run's outcome: the checker's verdict and what the run did. */
export interface OracleRun {
  summary: OracleSummary;
  records: number;
  brokerKills: number;
  workerKills: number;
  /** The last incarnation's exactly-once transaction counts and task restores. */
  last: unknown;
  elapsedMs: number;
}

/** One incarnation's end: killed at a progress point, or done. */
type Ending = { kind: "killed"; workerKills: number } | { kind: "done"; workerKills: number; last: unknown };

function incarnation(args: string[], env: Record<string, string>, killAt: number | null): Promise<Ending> {
  const { command, args: runtimeArgs } = scriptCommand(childScript);
  const proc: ChildProcess = spawn(command, [...runtimeArgs, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let pending = "";
  let output = "";
  let workerKills = 0;
  return new Promise<Ending>((resolve, reject) => {
    let settled = false;
    const settle = (ending: Ending) => {
      settled = true;
      resolve(ending);
    };
    proc.stdout!.on("data", (chunk: Uint8Array) => {
      const text = new TextDecoder().decode(chunk);
      output = (output + text).slice(-4000);
      pending += text;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (settled) continue;
        if (line === "worker-killed") workerKills++;
        else if (line.startsWith("done ")) settle({ kind: "done", workerKills, last: JSON.parse(line.slice(5)) });
        else if (line.startsWith("progress ") && killAt !== null && Number(line.slice(9)) >= killAt) {
          proc.kill("SIGKILL");
          settle({ kind: "killed", workerKills });
        }
      }
    });
    proc.stderr!.on("data", (chunk: Uint8Array) => (output = (output + new TextDecoder().decode(chunk)).slice(-4000)));
    proc.on("close", (code, signal) => {
      if (!settled) reject(new Error(`oracle child exited (${code ?? signal}) before its end:\n${output}`));
    });
  }).then(async (ending) => {
    if (proc.exitCode === null && proc.signalCode === null) await new Promise((resolve) => proc.on("close", resolve));
    return ending;
  });
}

/** Runs the plan on a fresh directory and checks the result. */
export async function runOracle(options: OracleRunOptions): Promise<OracleRun> {
  const { dir, remove } = tempDir();
  const started = performance.now();
  try {
    const total = perPartition(options.records) * ORACLE_PARTITIONS;
    const resultFile = join(dir, "result.json");
    const args = [join(dir, "data"), options.guarantee, String(options.records), resultFile];
    let workerKills = 0;
    for (let kill = 1; kill <= options.brokerKills; kill++) {
      const ending = await incarnation(args, options.env ?? {}, Math.floor((total * kill) / (options.brokerKills + 1)));
      workerKills += ending.workerKills;
      if (ending.kind === "done") break; // (cannot happen: the kill point is below the total)
    }
    const ending = await incarnation(args, options.env ?? {}, null);
    workerKills += ending.workerKills;
    const result = JSON.parse(readFileSync(resultFile, "utf8")) as { outputs: Record<string, number[]>; store: Record<string, number | null> };
    const summary = checkOracle(options.guarantee, foldInput(options.records), new Map(Object.entries(result.outputs)), new Map(Object.entries(result.store).map(([k, v]) => [k, v ?? undefined])));
    return { summary, records: total, brokerKills: options.brokerKills, workerKills, last: ending.kind === "done" ? ending.last : null, elapsedMs: Math.round(performance.now() - started) };
  } finally {
    remove();
  }
}
