/** Small helpers shared by the benchmarks: timing, medians, percentiles, table printing. */

/** Runs `fn` and returns its wall time in ms. */
export async function timed(fn: () => Promise<void> | void): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** The median of some numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The p-th percentile (0-100) of some numbers. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** One row of a benchmark table. */
export interface BenchRow {
  scenario: string;
  system: string;
  records_per_s: number | null;
  mb_per_s: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  p999_ms: number | null;
  note?: string;
}

/** Prints rows as an aligned table. */
export function printTable(title: string, rows: BenchRow[]): void {
  const fmt = (v: number | null, digits = 0) => (v === null ? "-" : v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));
  const lines = [["scenario", "system", "records/s", "MB/s", "p50 ms", "p99 ms", "p99.9 ms", "note"]];
  for (const r of rows) lines.push([r.scenario, r.system, fmt(r.records_per_s), fmt(r.mb_per_s, 1), fmt(r.p50_ms, 2), fmt(r.p99_ms, 2), fmt(r.p999_ms, 2), r.note ?? ""]);
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  console.log(`\n${title}`);
  for (const [i, l] of lines.entries()) {
    console.log("| " + l.map((c, j) => (j >= 2 && j <= 6 ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join(" | ") + " |");
    if (i === 0) console.log("|" + widths.map((w, j) => (j >= 2 && j <= 6 ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|") + "|");
  }
}

/** A row with only throughput figures. */
export function throughputRow(scenario: string, system: string, records: number, bytes: number, ms: number, note?: string): BenchRow {
  return { scenario, system, records_per_s: (records / ms) * 1000, mb_per_s: bytes / 1e6 / (ms / 1000), p50_ms: null, p99_ms: null, p999_ms: null, note };
}

/** True when the module at `moduleUrl` is the program being run (not imported). */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  const path = new URL(moduleUrl).pathname;
  return path === entry || path.endsWith(entry.replace(/^\.\//, "/"));
}
