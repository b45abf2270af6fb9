/**
 * Throughput drivers shared by every system, so each is driven the same way: a window of
 * batches in flight for producing, and a CPU-metered wrapper around any measured piece of work.
 */
import { startCpuMeter } from "./cpu.ts";
import { BATCH_RECORDS, VALUE_BYTES } from "./records.ts";
import { measureLatency, type LatencyTarget } from "./latency.ts";
import type { Measured, RoundSizes } from "../peers/system.ts";

/**
 * Sends records 0 … total-1 as batches of BATCH_RECORDS, keeping `inFlight` batches outstanding.
 *
 * @param total records to send
 * @param inFlight batches outstanding at most
 * @param send sends records `first` … `first + count - 1` and resolves when acknowledged
 */
export async function sendWindowed(total: number, inFlight: number, send: (first: number, count: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < total) {
      const first = next;
      const count = Math.min(BATCH_RECORDS, total - first);
      next += count;
      await send(first, count);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

/**
 * Runs `work`, timing it and metering CPU of this process and of the server.
 *
 * @param serverPid the server's PID (null: in this process)
 * @param work resolves with the number of records it moved
 */
export async function metered(serverPid: number | null, work: () => Promise<number>): Promise<Measured> {
  const meter = startCpuMeter(serverPid);
  const started = performance.now();
  const records = await work();
  const ms = performance.now() - started;
  const cpu = meter.stop();
  return { records, bytes: records * VALUE_BYTES, ms, clientPct: cpu.clientPct, serverPct: cpu.serverPct };
}

/**
 * Measures end-to-end latency at the round's rate, metering CPU as `metered` does.
 *
 * @param serverPid the server's PID (null: in this process)
 * @param sizes the round's rate and duration
 * @param round this round's number (each round uses fresh sequence numbers)
 * @param target the system's send and subscribe
 */
export async function meteredLatency(serverPid: number | null, sizes: RoundSizes, round: number, target: LatencyTarget): Promise<Measured> {
  const meter = startCpuMeter(serverPid);
  const started = performance.now();
  const latency = await measureLatency(target, { ratePerS: sizes.latencyRatePerS, durationMs: sizes.latencyMs, warmupMs: sizes.latencyWarmupMs, seqBase: round * 100_000_000 });
  const ms = performance.now() - started;
  const cpu = meter.stop();
  return { records: latency.sent, bytes: latency.sent * VALUE_BYTES, ms, clientPct: cpu.clientPct, serverPct: cpu.serverPct, latency };
}
