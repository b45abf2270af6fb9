/**
 * Availability figures of a chaos run, from its history: failover time (a fault → the first
 * acknowledgement, on each partition, of a send made after the fault: an ack of a send already
 * on the wire says nothing about recovery) and seconds each partition was unavailable (the gaps
 * between consecutive acknowledged sends on it longer than a threshold, while the workload kept
 * sending).
 */
import type { FaultOp, HistoryOp } from "./history.ts";

export interface FailoverStats {
  /** One figure per (fault, partition), ms. */
  failoverMs: number[];
  p50: number;
  p95: number;
  max: number;
  /** Seconds unavailable per partition. */
  unavailableS: Map<number, number>;
  /** (fault, partition) pairs with no acknowledged send after the fault. */
  neverRecovered: number;
  /** The gap past which a pause between acks counts as unavailability, ms. */
  gapMs: number;
}

/** The `q` quantile (0..1) of `values`, nearest rank; 0 when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Computes the figures.
 *
 * @param history the run's operations
 * @param options `gapMs`: a gap between acks counts as unavailability past this (default 1000);
 *   `faultKinds`: which fault kinds start a failover clock (default every kind but `heal`)
 */
export function failoverStats(history: readonly HistoryOp[], options: { gapMs?: number; faultKinds?: (kind: string) => boolean } = {}): FailoverStats {
  const gapMs = options.gapMs ?? 1000;
  const counts = options.faultKinds ?? ((kind: string) => kind !== "heal" && kind !== "resume");
  const acks = new Map<number, number[]>();
  const sends = new Map<number, Array<{ invokedAt: number; at: number }>>();
  for (const op of history) {
    if (op.type !== "send" || op.status !== "ok") continue;
    // appended in place: a copy per op made a 100-round history (~270k sends) take minutes
    let times = acks.get(op.partition);
    if (!times) acks.set(op.partition, (times = []));
    times.push(op.at);
    let list = sends.get(op.partition);
    if (!list) sends.set(op.partition, (list = []));
    list.push(op);
  }
  for (const list of acks.values()) list.sort((a, b) => a - b);
  const faults = history.filter((op): op is FaultOp => op.type === "fault" && counts(op.kind));
  const failoverMs: number[] = [];
  let neverRecovered = 0;
  for (const fault of faults) {
    for (const list of sends.values()) {
      let next = Infinity;
      for (const s of list) if (s.invokedAt >= fault.at && s.at < next) next = s.at;
      if (next === Infinity) neverRecovered++;
      else failoverMs.push(next - fault.at);
    }
  }
  const unavailableS = new Map<number, number>();
  for (const [partition, list] of acks) {
    let ms = 0;
    for (let i = 1; i < list.length; i++) if (list[i] - list[i - 1] > gapMs) ms += list[i] - list[i - 1];
    unavailableS.set(partition, ms / 1000);
  }
  return { failoverMs, p50: quantile(failoverMs, 0.5), p95: quantile(failoverMs, 0.95), max: failoverMs.length ? Math.max(...failoverMs) : 0, unavailableS, neverRecovered, gapMs };
}

/** The figures as a few lines for the test's output. */
export function formatFailover(stats: FailoverStats): string {
  const partitions = [...stats.unavailableS.entries()].sort((a, b) => a[0] - b[0]).map(([p, s]) => `p${p} ${s.toFixed(1)} s`).join(", ");
  return [
    `  failover (fault → first ack of a send made after it, per partition): p50 ${stats.p50} ms, p95 ${stats.p95} ms, max ${stats.max} ms over ${stats.failoverMs.length} (fault, partition) pairs${stats.neverRecovered ? `, ${stats.neverRecovered} never recovered` : ""}`,
    `  unavailable (gaps between acks > ${stats.gapMs} ms): ${partitions || "none"}`,
  ].join("\n");
}
