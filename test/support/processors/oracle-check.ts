/**
 * The crash oracle's checker: a pure function from what the input held (a fold of it: records
 * per key), what the output topic holds read_committed (every count emitted per key, in order)
 * and what the final store holds (the count per key), to a verdict.
 *
 * - exactly-once: per key the outputs are exactly 1, 2, …, n (n = the key's input records) and
 *   the store holds n: 0 duplicates, 0 missing, nothing above or below.
 * - at-least-once: every count 1…n appears in the outputs (each input reflected at least once)
 *   and the store is never below n; repeats and overshoot are allowed (re-processing).
 */

/** The verdict, with counts for the report. */
export interface OracleSummary {
  guarantee: "at-least-once" | "exactly-once";
  keys: number;
  inputs: number;
  outputs: number;
  /** Output counts seen more than once (extra copies) or past the key's input count. */
  duplicates: number;
  /** Counts 1…n of some key that never appeared in the outputs. */
  missing: number;
  /** Keys whose final store count is below the oracle. */
  storeBelow: number;
  /** Keys whose final store count is above the oracle. */
  storeAbove: number;
  ok: boolean;
  /** The first few problems, for the failure message. */
  problems: string[];
}

/**
 * @param oracle records per key in the input
 * @param outputs per key, the counts read from the output topic (read_committed), in offset order
 * @param store per key, the final store count (undefined when absent)
 */
export function checkOracle(guarantee: OracleSummary["guarantee"], oracle: ReadonlyMap<string, number>, outputs: ReadonlyMap<string, readonly number[]>, store: ReadonlyMap<string, number | undefined>): OracleSummary {
  const summary: OracleSummary = { guarantee, keys: oracle.size, inputs: 0, outputs: 0, duplicates: 0, missing: 0, storeBelow: 0, storeAbove: 0, ok: true, problems: [] };
  const problem = (text: string) => {
    if (summary.problems.length < 10) summary.problems.push(text);
  };
  for (const [key, list] of outputs) {
    summary.outputs += list.length;
    if (!oracle.has(key)) {
      summary.duplicates += list.length;
      problem(`outputs for key ${key}, which is not in the input`);
    }
  }
  for (const [key, n] of oracle) {
    summary.inputs += n;
    const seen = new Map<number, number>();
    for (const v of outputs.get(key) ?? []) seen.set(v, (seen.get(v) ?? 0) + 1);
    let missing = 0;
    for (let v = 1; v <= n; v++) if (!seen.has(v)) missing++;
    let duplicates = 0;
    for (const [v, times] of seen) duplicates += v >= 1 && v <= n ? times - 1 : times;
    summary.missing += missing;
    summary.duplicates += duplicates;
    if (missing > 0) problem(`key ${key}: ${missing} of counts 1..${n} missing from the outputs`);
    if (duplicates > 0 && guarantee === "exactly-once") problem(`key ${key}: ${duplicates} duplicate or excess outputs`);
    if (guarantee === "exactly-once" && missing === 0 && duplicates === 0) {
      const list = outputs.get(key)!;
      if (list.some((v, i) => v !== i + 1)) problem(`key ${key}: outputs out of order`);
    }
    const count = store.get(key) ?? 0;
    if (count < n) {
      summary.storeBelow++;
      problem(`key ${key}: store holds ${count}, below the oracle's ${n}`);
    } else if (count > n) {
      summary.storeAbove++;
      if (guarantee === "exactly-once") problem(`key ${key}: store holds ${count}, above the oracle's ${n}`);
    }
  }
  summary.ok = summary.problems.length === 0;
  return summary;
}
