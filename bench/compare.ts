/**
 * Before and after: two runs of `rivulet bench --json` side by side, row by row (matched by
 * scenario and system), so a change to the data path is judged on figures from one machine.
 * Rows only one run has are listed with the other side empty. A baseline written by an older
 * version without `server_cpu_s_per_m` gets it from its server CPU % and records/s.
 *
 *   node --import tsx bench/compare.ts BEFORE.json AFTER.json
 *   rivulet bench --baseline BEFORE.json          (prints the table after its own run)
 *
 * @example
 * ```ts
 * import { comparisonTable } from "./bench/compare.ts";
 * console.log(comparisonTable(JSON.parse(before), JSON.parse(after)));
 * ```
 */
import { readFileSync } from "node:fs";
import { cpuSecondsPerMillion, type ResultRow } from "./report.ts";
import { isMain } from "./stats.ts";

/** What a row of an older `--json` file is sure to have. */
export type BaselineRow = Partial<ResultRow> & Pick<ResultRow, "scenario" | "system">;

/** One scenario of both runs. */
export interface Comparison {
  scenario: string;
  system: string;
  before: BaselineRow | null;
  after: BaselineRow | null;
}

const keyOf = (row: BaselineRow) => `${row.scenario}\u0000${row.system}`;

/** Pairs rows of two runs by scenario and system, in the after run's order, then the rest. */
export function compareRuns(before: BaselineRow[], after: BaselineRow[]): Comparison[] {
  const earlier = new Map(before.map((row) => [keyOf(row), row]));
  const out: Comparison[] = after.map((row) => {
    const match = earlier.get(keyOf(row)) ?? null;
    earlier.delete(keyOf(row));
    return { scenario: row.scenario, system: row.system, before: match, after: row };
  });
  for (const row of earlier.values()) out.push({ scenario: row.scenario, system: row.system, before: row, after: null });
  return out;
}

function cpuPerMillion(row: BaselineRow | null): number | null {
  if (!row) return null;
  if (row.server_cpu_s_per_m !== undefined && row.server_cpu_s_per_m !== null) return row.server_cpu_s_per_m;
  const inProcess = row.system === "rivulet in-process";
  return cpuSecondsPerMillion((inProcess ? row.client_cpu_pct : row.server_cpu_pct) ?? null, row.records_per_s ?? null);
}

function fmt(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined) return "";
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** after ÷ before as `1.23×`, when both are there. */
function change(before: number | null | undefined, after: number | null | undefined): string {
  if (before === null || before === undefined || after === null || after === undefined || before === 0) return "";
  return `${(after / before).toFixed(2)}×`;
}

/** The headline figure of a row: records/s, else p99 ms, else p50 ms (start-up, crash). */
function headline(row: BaselineRow | null): { label: string; value: number | null } {
  if (!row) return { label: "", value: null };
  if (row.records_per_s !== null && row.records_per_s !== undefined) return { label: "records/s", value: row.records_per_s };
  if (row.p99_ms !== null && row.p99_ms !== undefined) return { label: "p99 ms", value: row.p99_ms };
  return { label: "p50 ms", value: row.p50_ms ?? null };
}

/**
 * A markdown table: per scenario the headline figure before and after, their ratio, p99.9 for
 * latency rows, and server CPU-seconds per million records before and after.
 */
export function comparisonTable(before: BaselineRow[], after: BaselineRow[]): string {
  const header = ["scenario", "system", "figure", "before", "after", "after ÷ before", "p99.9 ms before → after", "server CPU s/M records before → after"];
  const lines = [header];
  for (const c of compareRuns(before, after)) {
    const a = headline(c.after);
    const b = headline(c.before);
    const label = a.label || b.label;
    const digits = label === "records/s" ? 0 : 2;
    const p999 = c.before?.p999_ms != null || c.after?.p999_ms != null ? `${fmt(c.before?.p999_ms, 2) || "–"} → ${fmt(c.after?.p999_ms, 2) || "–"}` : "";
    const cpuBefore = cpuPerMillion(c.before);
    const cpuAfter = cpuPerMillion(c.after);
    const cpu = cpuBefore !== null || cpuAfter !== null ? `${fmt(cpuBefore, 2) || "–"} → ${fmt(cpuAfter, 2) || "–"}` : "";
    lines.push([c.scenario, c.system, label, fmt(b.value, digits), fmt(a.value, digits), change(b.value, a.value), p999, cpu]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const row = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  return [row(lines[0]), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...lines.slice(1).map(row)].join("\n");
}

/** Reads a `--json` file of `rivulet bench`. @throws {Error} when it is not an array of rows */
export function readRows(path: string): BaselineRow[] {
  const rows = JSON.parse(readFileSync(path, "utf8")) as unknown;
  if (!Array.isArray(rows) || !rows.every((r) => r && typeof r.scenario === "string" && typeof r.system === "string")) {
    throw new Error(`${path} is not the --json output of rivulet bench`);
  }
  return rows as BaselineRow[];
}

if (isMain(import.meta.url)) {
  const [beforePath, afterPath] = process.argv.slice(2);
  if (!beforePath || !afterPath) {
    console.error("usage: node --import tsx bench/compare.ts BEFORE.json AFTER.json");
    process.exit(2);
  }
  console.log(comparisonTable(readRows(beforePath), readRows(afterPath)));
}
