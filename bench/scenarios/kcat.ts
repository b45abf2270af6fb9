/**
 * The Kafka protocol, driven by kcat (librdkafka, Debian `kcat`) against Rivulet's Kafka listener
 * in the server process: `kcat -P -l FILE` produces the records (one `key:value` line each),
 * `kcat -C -o beginning -c N` reads them back (`-e` would add librdkafka's 500 ms fetch wait at
 * the end). kcat is a C client in its own process, so its CPU is read from /proc while it runs;
 * wall times include its start-up and metadata round trip.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processCpuSeconds, startCpuMeter } from "../harness/cpu.ts";
import { HttpClient } from "../harness/http-client.ts";
import { ensureBinary } from "../harness/install.ts";
import { keyText, valueText, VALUE_BYTES } from "../harness/records.ts";
import type { RivuletServer } from "../peers/rivulet-http.ts";
import type { Case, Measured, System } from "../peers/system.ts";

/** Scenario names of the Kafka-protocol cases. */
export const KAFKA = {
  produce: "kafka protocol produce (kcat)",
  consume: "kafka protocol consume (kcat)",
} as const;

const PARTITIONS = 4;
const KCAT_TIMEOUT_MS = 300_000;
const CPU_POLL_MS = 20;

/** Runs kcat, returning its stdout line count, wall ms and CPU % of one core (sampled from /proc). */
function runKcat(binary: string, args: string[]): Promise<{ lines: number; ms: number; cpuPct: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    let lines = 0;
    let errors = "";
    let cpu = 0;
    const poll = setInterval(() => {
      const c = child.pid === undefined ? null : processCpuSeconds(child.pid);
      if (c !== null) cpu = c;
    }, CPU_POLL_MS);
    const timer = setTimeout(() => child.kill("SIGKILL"), KCAT_TIMEOUT_MS);
    child.stdout.on("data", (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on("data", (chunk: Buffer) => (errors = (errors + chunk.toString("utf8")).slice(-2000)));
    child.once("error", reject);
    child.once("exit", (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      const ms = performance.now() - started;
      if (code !== 0) reject(new Error(`kcat ${args.join(" ")} exited ${code}: ${errors}`));
      else resolve({ lines, ms, cpuPct: Math.round((cpu / (ms / 1000)) * 100) });
    });
  });
}

/**
 * kcat against Rivulet's Kafka listener, or why it is skipped.
 *
 * @param server the Rivulet server process (its HTTP API creates the topics)
 */
export function kcatSystem(server: RivuletServer): System | { skip: string } {
  const { kafkaPort, httpPort } = server;
  const serverPid = server.process.pid;
  if (kafkaPort === null) return { skip: "the Rivulet server has no Kafka listener (kafka/listener.ts failed to start)" };
  const binary = ensureBinary("kcat", "kcat");
  if ("skip" in binary) return binary;
  const http = new HttpClient(`http://127.0.0.1:${httpPort}`, 1);
  const dir = mkdtempSync(join(tmpdir(), "rivulet-bench-kcat-"));
  const files = new Map<number, string>();
  const input = (records: number): string => {
    let file = files.get(records);
    if (!file) {
      file = join(dir, `records-${records}.txt`);
      const lines: string[] = [];
      for (let i = 0; i < records; i++) lines.push(`${keyText(i)}:${valueText(i)}`);
      writeFileSync(file, lines.join("\n") + "\n");
      files.set(records, file);
    }
    return file;
  };
  const broker = `127.0.0.1:${kafkaPort}`;
  const topic = (round: number) => `bench-kcat-${round}`;
  const measure = async (records: number, args: string[], expectLines: number | null): Promise<Measured> => {
    const meter = startCpuMeter(serverPid);
    const run = await runKcat(binary.path, args);
    const cpu = meter.stop();
    if (expectLines !== null && run.lines !== expectLines) throw new Error(`kcat read ${run.lines} of ${expectLines}`);
    return { records, bytes: records * VALUE_BYTES, ms: run.ms, clientPct: run.cpuPct, serverPct: cpu.serverPct };
  };
  const cases: Case[] = [
    {
      scenario: KAFKA.produce, system: "rivulet kafka listener", note: "kcat -P -l, librdkafka defaults (acks=all), 4 partitions, flush every 1 s",
      run: async (round, sizes) => {
        const config = { flush: "interval", "flush.ms": "1000" };
        await http.ok("POST", "/v1/topics", JSON.stringify({ name: topic(round), partitions: PARTITIONS, config }), { "content-type": "application/json" });
        const file = input(sizes.records);
        return measure(sizes.records, ["-P", "-b", broker, "-t", topic(round), "-K", ":", "-l", file], null);
      },
    },
    {
      scenario: KAFKA.consume, system: "rivulet kafka listener", note: "kcat -C -o beginning -c N (exits at the N-th record), values to a pipe",
      run: (round, sizes) => measure(sizes.records, ["-C", "-b", broker, "-t", topic(round), "-o", "beginning", "-c", String(sizes.records), "-q"], sizes.records),
    },
  ];
  const stop = async () => {
    http.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { name: "kcat", cases, stop };
}
