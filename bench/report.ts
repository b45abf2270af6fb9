/**
 * Result rows and their presentation: medians become rows, each peer row gets its Rivulet ÷ peer
 * ratio (throughput: Rivulet's records/s over the peer's; latency: the peer's p99 over
 * Rivulet's, so above 1 always means Rivulet is ahead), Rivulet rows get their DESIGN.md §7
 * target, and the whole renders as one markdown table for the terminal and for RESULTS.md.
 */
import type { CaseResult } from "./harness/rounds.ts";
import type { BenchRow } from "./stats.ts";

/** One row of `--json` output: the issue's fields, then CPU, runs, ratio and target. */
export interface ResultRow extends BenchRow {
  /** CPU of the client process, % of one core (in-process: the whole process). */
  client_cpu_pct: number | null;
  /** CPU of the server process, % of one core (null in-process). */
  server_cpu_pct: number | null;
  /**
   * CPU-seconds the server spent per million records (server CPU over throughput; in-process:
   * the whole process, client included, as nothing else runs there).
   */
  server_cpu_s_per_m: number | null;
  /** Rounds the medians cover. */
  runs: number | null;
  /** On a peer's row: Rivulet ÷ peer (above 1: Rivulet ahead). */
  rivulet_ratio: number | null;
  /** On a peer's row: the Rivulet row the ratio uses (a Node server unless the case says otherwise). */
  compared_with: string | null;
  /** On a peer's row: the same ratio against Rivulet's server on Bun, when it ran. */
  rivulet_bun_ratio: number | null;
  /** On a Rivulet row: its DESIGN.md §7 target and whether this run met it. */
  target: string | null;
}

interface Target {
  scenario: string;
  system?: string;
  text: string;
  met(row: ResultRow): boolean | null;
}

const atLeast = (n: number) => (row: ResultRow) => (row.records_per_s === null ? null : row.records_per_s >= n);
const TARGETS: Target[] = [
  { scenario: "in-process produce, flush=os", text: "≥ 2,000,000/s", met: atLeast(2_000_000) },
  { scenario: "in-process produce, flush=always", text: "≥ 1,000,000/s", met: atLeast(1_000_000) },
  { scenario: "in-process consume from offset 0", text: "≥ 3,000,000/s", met: atLeast(3_000_000) },
  { scenario: "network produce, batches of 1,000", system: "rivulet http json", text: "≥ 500,000/s", met: atLeast(500_000) },
  { scenario: "network produce, batches of 1,000", system: "rivulet http cbor", text: "≥ 1,000,000/s", met: atLeast(1_000_000) },
  { scenario: "end-to-end latency at 10,000 records/s", system: "rivulet http → sse", text: "p99 ≤ 3, p99.9 ≤ 10 ms", met: (r) => (r.p99_ms === null || r.p999_ms === null ? null : r.p99_ms <= 3 && r.p999_ms <= 10) },
  { scenario: "worker crash → serving again", text: "≤ 200 ms", met: (r) => (r.p50_ms === null ? null : (r.p99_ms ?? r.p50_ms) <= 200) },
  { scenario: "log size: start-up (Broker.open)", text: "≤ 300 ms", met: (r) => (r.p50_ms === null ? null : r.p50_ms <= 300) },
  { scenario: "start-up (Broker.open)", text: "≤ 300 ms", met: (r) => (r.p50_ms === null ? null : r.p50_ms <= 300) },
];

function targetOf(row: ResultRow): string | null {
  if (!row.system.startsWith("rivulet")) return null;
  const t = TARGETS.find((x) => x.scenario === row.scenario && (!x.system || x.system === row.system || row.system.startsWith(`${x.system} (`)));
  if (!t) return null;
  const met = t.met(row);
  return met === null ? t.text : `${t.text} ${met ? "met" : "missed"}`;
}

/** Rows from the interleaved rounds' results. */
export function caseRows(results: CaseResult[]): ResultRow[] {
  return results.map((r) => ({
    scenario: r.case.scenario,
    system: r.case.system,
    records_per_s: r.recordsPerS,
    mb_per_s: r.mbPerS,
    p50_ms: r.p50Ms,
    p99_ms: r.p99Ms,
    p999_ms: r.p999Ms,
    client_cpu_pct: r.clientPct,
    server_cpu_pct: r.serverPct,
    server_cpu_s_per_m: cpuSecondsPerMillion(r.serverPct ?? (isInProcess(r.case.system) ? r.clientPct : null), r.recordsPerS),
    runs: r.runs,
    rivulet_ratio: null,
    compared_with: r.case.compareTo ?? null,
    rivulet_bun_ratio: null,
    target: null,
    note: [r.case.note, r.error ? `FAILED: ${r.error}` : ""].filter(Boolean).join("; ") || undefined,
  }));
}

/** Rows from plain bench rows (crash recovery, log size, machine limits). */
export function plainRows(rows: BenchRow[], runs: number | null): ResultRow[] {
  return rows.map((r) => ({ ...r, client_cpu_pct: null, server_cpu_pct: null, server_cpu_s_per_m: null, runs, rivulet_ratio: null, compared_with: null, rivulet_bun_ratio: null, target: null }));
}

const BUN = " (bun)";

/** Systems that run in the benchmark's own process (their CPU is the client's). */
function isInProcess(system: string): boolean {
  return system === "rivulet in-process" || system === "rivulet Log, one thread";
}

/** CPU % of one core over records/s, as CPU-seconds per million records. */
export function cpuSecondsPerMillion(cpuPct: number | null, recordsPerS: number | null): number | null {
  if (cpuPct === null || recordsPerS === null || recordsPerS <= 0) return null;
  return (cpuPct / 100 / recordsPerS) * 1e6;
}

/** The doors of the data plane whose CPU per record the report sets side by side. */
const DOORS: Array<{ label: string; scenario: string; system: string }> = [
  { label: "in-process", scenario: "in-process produce, flush=os", system: "rivulet in-process" },
  { label: "HTTP JSON", scenario: "network produce, batches of 1,000", system: "rivulet http json" },
  { label: "HTTP CBOR", scenario: "network produce, batches of 1,000", system: "rivulet http cbor" },
  { label: "Kafka listener (kcat)", scenario: "kafka protocol produce (kcat)", system: "rivulet kafka listener" },
  { label: "Durable Streams", scenario: "network produce, batches of 1,000", system: "rivulet durable streams" },
];

/**
 * The data plane in a few lines: produce CPU-seconds per million records at each door, HTTP ÷
 * Kafka listener (target ≤ 2), and in-process produce ÷ raw storage append of the same run
 * (target ≥ 0.6).
 */
export function dataPlaneLines(rows: ResultRow[]): string[] {
  const find = (scenario: string, system: string) => rows.find((r) => r.scenario === scenario && r.system === system);
  const lines: string[] = [];
  const doors = DOORS.map((d) => ({ ...d, row: find(d.scenario, d.system) })).filter((d) => d.row?.server_cpu_s_per_m != null);
  if (doors.length > 0) {
    lines.push(`- produce, server CPU-seconds per million records: ${doors.map((d) => `${d.label} ${d.row!.server_cpu_s_per_m!.toFixed(2)}`).join(", ")}`);
  }
  const kafka = doors.find((d) => d.label.startsWith("Kafka"));
  for (const http of doors.filter((d) => d.label.startsWith("HTTP"))) {
    if (!kafka) break;
    const x = http.row!.server_cpu_s_per_m! / kafka.row!.server_cpu_s_per_m!;
    lines.push(`- ${http.label} ÷ Kafka listener, server CPU per record: ${x.toFixed(2)}× (target ≤ 2: ${x <= 2 ? "met" : "missed"})`);
  }
  for (const flush of ["os", "always"]) {
    const mine = find(`in-process produce, flush=${flush}`, "rivulet in-process");
    const raw = find(`raw storage append, flush=${flush}`, "rivulet Log, one thread");
    if (!mine?.records_per_s || !raw?.records_per_s) continue;
    const x = mine.records_per_s / raw.records_per_s;
    // Same records, same total (100-byte values, 10,000 keys): the produce takes objects through
    // 8 partition workers, which encode and checksum; the raw append takes batches of 1,000
    // encoded beforehand (not timed) into one Log on one thread, which checks their CRCs.
    lines.push(`- in-process produce ÷ raw storage append, flush=${flush}, same run, records/s for the same records (produce: objects → 8 partition workers that encode and checksum; raw: one Log on one thread, batches encoded beforehand, untimed): ${x.toFixed(2)} (target ≥ 0.6: ${x >= 0.6 ? "met" : "missed"})`);
  }
  return lines;
}

/** The best of `candidates` (highest records/s, or lowest p99 for latency), if any. */
function best(candidates: ResultRow[], isLatency: boolean): ResultRow | undefined {
  return isLatency
    ? candidates.filter((r) => r.p99_ms !== null).sort((a, b) => a.p99_ms! - b.p99_ms!)[0]
    : candidates.filter((r) => r.records_per_s !== null).sort((a, b) => b.records_per_s! - a.records_per_s!)[0];
}

function ratio(peer: ResultRow, mine: ResultRow, isLatency: boolean): number | null {
  if (isLatency) return peer.p99_ms! / mine.p99_ms!;
  return peer.records_per_s === null ? null : mine.records_per_s! / peer.records_per_s;
}

/** True when `system` is `family` or one of its variants (`rivulet http` covers `rivulet http cbor`). */
function inFamily(system: string, family: string): boolean {
  return system === family || system.startsWith(`${family} `);
}

/**
 * Fills in ratios (peer rows) and targets (Rivulet rows). A peer is set against the best Rivulet
 * row of its scenario served by Node, among the rows its case names (`compareTo`, a system or a
 * family of systems), and separately against the same rows served by Bun.
 */
export function annotate(rows: ResultRow[]): ResultRow[] {
  for (const row of rows) {
    row.target = targetOf(row);
    if (row.system.startsWith("rivulet")) continue;
    const isLatency = row.p99_ms !== null && row.records_per_s === null;
    const mine = rows.filter((r) => r.scenario === row.scenario && r.system.startsWith("rivulet"));
    const onNode = mine.filter((r) => !r.system.endsWith(BUN));
    const named = row.compared_with;
    const node = best(named ? onNode.filter((r) => inFamily(r.system, named)) : onNode, isLatency);
    const bun = best(mine.filter((r) => r.system.endsWith(BUN) && (!named || inFamily(r.system, named))), isLatency);
    if (node) {
      row.compared_with = node.system;
      row.rivulet_ratio = ratio(row, node, isLatency);
    }
    if (bun) row.rivulet_bun_ratio = ratio(row, bun, isLatency);
  }
  return rows;
}

const num = (v: number | null, digits = 0): string => (v === null ? "" : v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ms = (v: number | null): string => (v === null ? "" : v < 10 ? v.toFixed(2) : v.toFixed(1));

function ratioCell(r: ResultRow): string {
  const parts: string[] = [];
  if (r.rivulet_ratio !== null) parts.push(`${r.rivulet_ratio.toFixed(2)}× (${r.compared_with?.replace(/^rivulet /, "")})`);
  if (r.rivulet_bun_ratio !== null) parts.push(`Bun ${r.rivulet_bun_ratio.toFixed(2)}×`);
  return parts.join("; ");
}

/** The rows as one markdown table. */
export function markdownTable(rows: ResultRow[]): string {
  const head = ["scenario", "system", "records/s", "MB/s", "p50 ms", "p99 ms", "p99.9 ms", "client CPU %", "server CPU %", "server CPU s/M records", "Rivulet ÷ peer", "§7 target", "note"];
  const right = new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const body = rows.map((r) => [
    r.scenario, r.system, num(r.records_per_s), num(r.mb_per_s, 1), ms(r.p50_ms), ms(r.p99_ms), ms(r.p999_ms),
    num(r.client_cpu_pct), num(r.server_cpu_pct), num(r.server_cpu_s_per_m, 2),
    ratioCell(r),
    r.target ?? "", r.note ?? "",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ") + " |";
  const rule = "|" + widths.map((w, i) => (right.has(i) ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|") + "|";
  return [line(head), rule, ...body.map(line)].join("\n");
}

/** One line per peer comparison: `scenario: rivulet X ÷ peer = 1.9× (Rivulet ahead)`. */
export function ratioLines(rows: ResultRow[]): string[] {
  const verdict = (x: number) => `${x.toFixed(2)}× ${x >= 1 ? "(Rivulet ahead)" : "(Rivulet behind)"}`;
  return rows
    .filter((r) => r.rivulet_ratio !== null)
    .map((r) => `- ${r.scenario}: ${r.compared_with} ÷ ${r.system} = ${verdict(r.rivulet_ratio!)}` + (r.rivulet_bun_ratio === null ? "" : `; with the server on Bun ${verdict(r.rivulet_bun_ratio)}`));
}
