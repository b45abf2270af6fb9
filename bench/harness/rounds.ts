/**
 * Runs the systems' cases in interleaved rounds — every system once per round, the order rotated
 * from round to round — and reduces each case's measurements to medians. A case that fails is
 * reported once and left out of later rounds; the rest of the run goes on.
 */
import type { Case, Measured, RoundSizes, System } from "../peers/system.ts";
import { median } from "../stats.ts";

/** A case's figures over all rounds: medians, and how many rounds they cover. */
export interface CaseResult {
  case: Case;
  runs: number;
  recordsPerS: number | null;
  mbPerS: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  p999Ms: number | null;
  clientPct: number | null;
  serverPct: number | null;
  /** Set when the case failed; earlier rounds' figures (if any) are kept. */
  error?: string;
}

function medianOf(values: Array<number | null | undefined>): number | null {
  const present = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  return present.length ? median(present) : null;
}

function reduce(c: Case, measured: Measured[], error?: string): CaseResult {
  const latency = measured.filter((m) => m.latency);
  const throughput = latency.length ? [] : measured;
  return {
    case: c,
    runs: measured.length,
    recordsPerS: medianOf(throughput.map((m) => (m.records / m.ms) * 1000)),
    mbPerS: medianOf(throughput.map((m) => m.bytes / 1e6 / (m.ms / 1000))),
    p50Ms: medianOf(latency.map((m) => m.latency?.p50Ms)),
    p99Ms: medianOf(latency.map((m) => m.latency?.p99Ms)),
    p999Ms: medianOf(latency.map((m) => m.latency?.p999Ms)),
    clientPct: medianOf(measured.map((m) => m.clientPct)),
    serverPct: medianOf(measured.map((m) => m.serverPct)),
    error,
  };
}

/**
 * Runs `rounds` rounds.
 *
 * @param systems the started systems
 * @param rounds how many times each case runs
 * @param sizes the sizes of every round
 * @param log progress lines
 * @returns one result per case, in the systems' order
 */
export async function runRounds(systems: System[], rounds: number, sizes: RoundSizes, log: (line: string) => void): Promise<CaseResult[]> {
  const measured = new Map<Case, Measured[]>();
  const failed = new Map<Case, string>();
  const brokenSystems = new Set<System>();
  for (const s of systems) for (const c of s.cases) measured.set(c, []);
  for (let round = 1; round <= rounds; round++) {
    const order = systems.map((_, i) => systems[(i + round - 1) % systems.length]);
    for (const system of order) {
      if (brokenSystems.has(system)) continue;
      const started = performance.now();
      for (const c of system.cases) {
        if (failed.has(c)) continue;
        try {
          measured.get(c)!.push(await c.run(round, sizes));
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          failed.set(c, message.slice(0, 400));
          log(`  ${c.system} / ${c.scenario} failed in round ${round}: ${message.slice(0, 400)}`);
          if (/died|exited|ECONNREFUSED/.test(message)) brokenSystems.add(system);
        }
      }
      log(`  round ${round}/${rounds}: ${system.name} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  }
  return systems.flatMap((s) => s.cases.map((c) => reduce(c, measured.get(c)!, failed.get(c))));
}
