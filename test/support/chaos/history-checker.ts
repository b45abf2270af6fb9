/**
 * A checker for a chaos run's history, after Jepsen's Kafka checker: a pure function from the
 * operations (see `history.ts`) to counts and examples of every anomaly a replicated log must
 * never show. Everything is derived from what clients observed and from the final read of each
 * replica; nothing is taken from the broker's own account.
 *
 * - `lost`: an acknowledged send whose value is in no replica's final read.
 * - `polledButLost`: a value some consumer received that is in no replica's final read.
 * - `duplicates`: one value at two positions (partition/offset), across acks, polls and reads.
 * - `inconsistentOffsets`: one position with two values, across acks, polls and reads.
 * - `nonMonotonicSend`: a producer's acknowledged offsets on a partition going backwards (one
 *   producer has one send in flight, so its acks come in the order it sent).
 * - `nonMonotonicPoll`: a consumer's offsets on a partition not increasing between two resets.
 * - `skipped`: a consumer jumping over offsets that exist in the final read.
 * - `failedButRead`: a send refused definitively whose value was read anyway.
 * - `divergence`: replicas holding different records below their high watermarks.
 */
import type { FinalReadOp, HistoryOp, PollOp, SendOp } from "./history.ts";

export const anomalyKinds = [
  "lost",
  "polledButLost",
  "duplicates",
  "inconsistentOffsets",
  "nonMonotonicSend",
  "nonMonotonicPoll",
  "skipped",
  "failedButRead",
  "divergence",
] as const;

export type AnomalyKind = (typeof anomalyKinds)[number];

/** Counts and the first few examples of each anomaly, and what the history held. */
export interface CheckResult {
  counts: Record<AnomalyKind, number>;
  examples: Record<AnomalyKind, string[]>;
  /** Totals, to show the check had something to check. */
  stats: { sendsOk: number; sendsFailed: number; sendsUnknown: number; polls: number; finalRecords: number; replicas: number };
  /** True when every count is zero. */
  valid: boolean;
}

/** Examples kept per anomaly. */
const examplesMax = 5;

const position = (partition: number, offset: number): string => `${partition}/${offset}`;

class Tally {
  counts = Object.fromEntries(anomalyKinds.map((k) => [k, 0])) as Record<AnomalyKind, number>;
  examples = Object.fromEntries(anomalyKinds.map((k) => [k, [] as string[]])) as Record<AnomalyKind, string[]>;

  add(kind: AnomalyKind, example: string): void {
    this.counts[kind]++;
    if (this.examples[kind].length < examplesMax) this.examples[kind].push(example);
  }
}

/** Adds `item` to the set at `key`. */
function addTo<K, V>(map: Map<K, Set<V>>, key: K, item: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(item);
}

/**
 * Checks a history.
 *
 * @param history every operation of the run, final reads included, in the order recorded
 * @returns counts and examples per anomaly; `valid` when all are zero
 * @example
 * ```ts
 * const result = checkHistory(readHistory(path));
 * console.log(formatCheck(result));
 * ```
 */
export function checkHistory(history: readonly HistoryOp[]): CheckResult {
  const tally = new Tally();
  const sends = history.filter((op): op is SendOp => op.type === "send");
  const polls = history.filter((op): op is PollOp => op.type === "poll");
  const finals = history.filter((op): op is FinalReadOp => op.type === "final");

  // Every value in some replica's final read, and every offset that exists per partition.
  const stored = new Set<string>();
  const existing = new Map<number, Set<number>>();
  for (const read of finals) {
    for (const r of read.records) {
      if (r.offset >= read.highWatermark) continue;
      stored.add(r.value);
      addTo(existing, read.partition, r.offset);
    }
  }

  // Positions per value and values per position, from every observation.
  const positionsOf = new Map<string, Set<string>>();
  const valuesAt = new Map<string, Set<string>>();
  const observe = (partition: number, offset: number, value: string) => {
    addTo(positionsOf, value, position(partition, offset));
    addTo(valuesAt, position(partition, offset), value);
  };
  for (const s of sends) if (s.status === "ok" && s.offset !== undefined) observe(s.partition, s.offset, s.value);
  for (const p of polls) observe(p.partition, p.offset, p.value);
  for (const read of finals) for (const r of read.records) if (r.offset < read.highWatermark) observe(read.partition, r.offset, r.value);

  for (const s of sends) {
    if (s.status === "ok" && !stored.has(s.value)) tally.add("lost", `${s.value} acknowledged by ${s.producer} at ${position(s.partition, s.offset ?? -1)}`);
  }
  const polledLost = new Set<string>();
  for (const p of polls) {
    if (stored.has(p.value) || polledLost.has(p.value)) continue;
    polledLost.add(p.value);
    tally.add("polledButLost", `${p.value} polled by ${p.consumer} at ${position(p.partition, p.offset)}`);
  }
  for (const [value, positions] of positionsOf) {
    if (positions.size > 1) tally.add("duplicates", `${value} at ${[...positions].join(", ")}`);
  }
  for (const [at, values] of valuesAt) {
    if (values.size > 1) tally.add("inconsistentOffsets", `${at} holds ${[...values].join(", ")}`);
  }
  const read = new Set(stored);
  for (const p of polls) read.add(p.value);
  for (const s of sends) {
    if (s.status === "fail" && read.has(s.value)) tally.add("failedButRead", `${s.value} refused (${s.error ?? "no reason"}) yet read`);
  }
  checkSendOrder(sends, tally);
  checkPollOrder(history, existing, tally);
  checkReplicas(finals, tally);

  const valid = anomalyKinds.every((k) => tally.counts[k] === 0);
  return {
    counts: tally.counts,
    examples: tally.examples,
    stats: {
      sendsOk: sends.filter((s) => s.status === "ok").length,
      sendsFailed: sends.filter((s) => s.status === "fail").length,
      sendsUnknown: sends.filter((s) => s.status === "info").length,
      polls: polls.length,
      finalRecords: finals.reduce((n, f) => n + f.records.filter((r) => r.offset < f.highWatermark).length, 0),
      replicas: new Set(finals.map((f) => f.replica)).size,
    },
    valid,
  };
}

/** Each producer's acknowledged offsets, per partition, in the order it sent. */
function checkSendOrder(sends: readonly SendOp[], tally: Tally): void {
  const last = new Map<string, { offset: number; value: string }>();
  for (const s of sends) {
    if (s.status !== "ok" || s.offset === undefined) continue;
    const key = `${s.producer}@${s.partition}`;
    const before = last.get(key);
    if (before && s.offset <= before.offset) {
      tally.add("nonMonotonicSend", `${s.producer} on ${s.partition}: ${before.value} at ${before.offset}, then ${s.value} at ${s.offset}`);
    }
    last.set(key, { offset: s.offset, value: s.value });
  }
}

/** Each consumer's offsets per partition between resets: strictly increasing, and no gap over existing offsets. */
function checkPollOrder(history: readonly HistoryOp[], existing: Map<number, Set<number>>, tally: Tally): void {
  const last = new Map<string, number>();
  for (const op of history) {
    if (op.type === "reset") {
      for (const key of [...last.keys()]) if (key.startsWith(`${op.consumer}@`)) last.delete(key);
      continue;
    }
    if (op.type !== "poll") continue;
    const key = `${op.consumer}@${op.partition}`;
    const before = last.get(key);
    last.set(key, op.offset);
    if (before === undefined) continue;
    if (op.offset <= before) {
      tally.add("nonMonotonicPoll", `${op.consumer} on ${op.partition}: offset ${before}, then ${op.offset}`);
      continue;
    }
    const offsets = existing.get(op.partition);
    const jumped: number[] = [];
    for (let o = before + 1; o < op.offset; o++) if (offsets?.has(o)) jumped.push(o);
    if (jumped.length > 0) tally.add("skipped", `${op.consumer} on ${op.partition}: ${before} → ${op.offset} skipped ${jumped.slice(0, 5).join(", ")}${jumped.length > 5 ? ", …" : ""}`);
  }
}

/** Every replica of a partition holds the same records below the lowest of their high watermarks. */
function checkReplicas(finals: readonly FinalReadOp[], tally: Tally): void {
  const byPartition = new Map<number, FinalReadOp[]>();
  for (const f of finals) byPartition.set(f.partition, [...(byPartition.get(f.partition) ?? []), f]);
  for (const [partition, reads] of byPartition) {
    if (reads.length < 2) continue;
    const bound = Math.min(...reads.map((r) => r.highWatermark));
    const maps = reads.map((r) => new Map(r.records.filter((x) => x.offset < bound).map((x) => [x.offset, x.value])));
    const offsets = new Set<number>();
    for (const m of maps) for (const o of m.keys()) offsets.add(o);
    for (const o of [...offsets].sort((a, b) => a - b)) {
      const seen = maps.map((m) => m.get(o) ?? "(none)");
      if (seen.some((v) => v !== seen[0])) tally.add("divergence", `${position(partition, o)}: ${reads.map((r, i) => `${r.replica}=${seen[i]}`).join(", ")}`);
    }
  }
}

/**
 * The result as a table: one line per anomaly with its count and first example, then totals.
 */
export function formatCheck(result: CheckResult): string {
  const width = Math.max(...anomalyKinds.map((k) => k.length));
  const lines = anomalyKinds.map((k) => `  ${k.padEnd(width)}  ${String(result.counts[k]).padStart(6)}${result.examples[k][0] ? `  e.g. ${result.examples[k][0]}` : ""}`);
  const s = result.stats;
  lines.push(`  (${s.sendsOk} sends acknowledged, ${s.sendsFailed} refused, ${s.sendsUnknown} unknown; ${s.polls} polls; ${s.finalRecords} records in the final reads of ${s.replicas} replica(s))`);
  return [`  anomaly${" ".repeat(width - 7)}   count`, ...lines].join("\n");
}
