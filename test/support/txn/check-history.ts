/**
 * The exactly-once checker, in the style of Jepsen's transaction analyses: a pure function from
 * a {@link TxnHistory} to the anomalies it shows. Every count must be 0 for a correct system.
 *
 * - lost writes: an input record with no committed output;
 * - duplicates: an input record with two or more committed outputs;
 * - aborted reads: a read_committed reader saw an output of a transaction the worker saw
 *   aborted (the same records are in the read_uncommitted view: they were written, then
 *   aborted, and must stay hidden);
 * - torn transactions: a transaction whose outputs are only partly visible, or a committed one
 *   (acknowledged, or of unknown outcome but visible) whose outputs or offset commit are
 *   missing — its inputs were consumed again by a later transaction, or the group's final
 *   offset is behind what it committed;
 * - unexplained reads: a read_committed record that is not in the read_uncommitted view at the
 *   same place, or names a transaction the history never began.
 */
import type { OutputRecord, TxnAttempt, TxnHistory } from "./history.ts";

/** One anomaly class: how many, and a few examples for the report. */
export interface Anomalies {
  count: number;
  examples: string[];
}

/** The checker's verdict. */
export interface TxnAnalysis {
  valid: boolean;
  lostWrites: Anomalies;
  duplicates: Anomalies;
  abortedReads: Anomalies;
  tornTransactions: Anomalies;
  unexplainedReads: Anomalies;
  stats: {
    inputs: number;
    transactions: number;
    committed: number;
    aborted: number;
    /** Outcome unknown to the worker (killed mid-commit): resolved by what readers saw. */
    unknownVisible: number;
    unknownHidden: number;
    readCommitted: number;
    readUncommitted: number;
    /** Records of aborted transactions in the log (the read_uncommitted view): what read_committed had to hide. */
    abortedRecordsInLog: number;
  };
}

const EXAMPLES = 5;

function collect(): Anomalies & { add(example: string): void } {
  const a = {
    count: 0,
    examples: [] as string[],
    add(example: string) {
      a.count++;
      if (a.examples.length < EXAMPLES) a.examples.push(example);
    },
  };
  return a;
}

const place = (r: OutputRecord) => `${r.partition}/${r.offset}`;

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Whether `txn`'s offset commit took effect: nothing after it re-read what it committed past, and the final offsets are not behind. */
function offsetCommitMissing(txn: TxnAttempt, later: TxnAttempt[], finalOffsets: Map<number, number>): string | null {
  for (const [partition, next] of txn.offsets) {
    const final = finalOffsets.get(partition);
    if (final === undefined || final < next) return `group offset of partition ${partition} is ${final ?? "none"}, behind ${next}`;
    for (const u of later) {
      const reread = u.consumed.find((c) => c.partition === partition && c.offset < next);
      if (reread) return `${u.id} consumed ${partition}/${reread.offset} again, below the committed ${next}`;
    }
  }
  return null;
}

/**
 * Analyses a history.
 *
 * @param history what the worker did and what the readers found
 * @returns every anomaly class with its count and examples; `valid` when all are 0
 */
export function checkHistory(history: TxnHistory): TxnAnalysis {
  const lostWrites = collect();
  const duplicates = collect();
  const abortedReads = collect();
  const tornTransactions = collect();
  const unexplainedReads = collect();
  const txns = new Map(history.transactions.map((t) => [t.id, t]));
  const uncommittedAt = new Map(history.readUncommitted.map((r) => [place(r), r]));
  const committedByInput = groupBy(history.readCommitted, (r) => r.input);
  const committedByTxn = groupBy(history.readCommitted, (r) => r.txn);
  const writtenByTxn = groupBy(history.readUncommitted, (r) => r.txn);

  for (const input of history.inputs) {
    const outs = committedByInput.get(input) ?? [];
    if (outs.length === 0) lostWrites.add(input);
    else if (outs.length > 1) duplicates.add(`${input} ×${outs.length} (${outs.map((o) => `${o.txn}@${place(o)}`).join(", ")})`);
  }

  for (const r of history.readCommitted) {
    const seen = uncommittedAt.get(place(r));
    const txn = txns.get(r.txn);
    if (!seen || seen.input !== r.input || seen.txn !== r.txn) unexplainedReads.add(`${r.input} by ${r.txn} at ${place(r)}: not in the read_uncommitted view there`);
    else if (!txn) unexplainedReads.add(`${r.input} at ${place(r)}: written by ${r.txn}, which never began`);
    else if (txn.outcome === "aborted") abortedReads.add(`${r.input} at ${place(r)}: written by aborted ${r.txn}`);
  }

  let unknownVisible = 0;
  let unknownHidden = 0;
  history.transactions.forEach((txn, i) => {
    const visible = committedByTxn.get(txn.id)?.length ?? 0;
    const written = Math.max(writtenByTxn.get(txn.id)?.length ?? 0, txn.outputsSent ?? 0);
    if (txn.outcome === "aborted") return; // a visible record of it is an aborted read, above
    if (txn.outcome === "unknown") {
      if (visible === 0) {
        unknownHidden++;
        return;
      }
      unknownVisible++;
    }
    if (visible !== written || (txn.outcome === "committed" && (txn.outputsSent === null || visible !== txn.consumed.length))) {
      tornTransactions.add(`${txn.id} (${txn.outcome}): ${visible} of ${Math.max(written, txn.consumed.length)} outputs visible`);
      return;
    }
    const missing = offsetCommitMissing(txn, history.transactions.slice(i + 1), history.finalOffsets);
    if (missing) tornTransactions.add(`${txn.id} (${txn.outcome}): offset commit missing: ${missing}`);
  });

  const count = (outcome: TxnAttempt["outcome"]) => history.transactions.filter((t) => t.outcome === outcome).length;
  const abortedIds = new Set(history.transactions.filter((t) => t.outcome === "aborted").map((t) => t.id));
  const strip = ({ add: _add, ...a }: ReturnType<typeof collect>): Anomalies => a;
  const anomalies = { lostWrites, duplicates, abortedReads, tornTransactions, unexplainedReads };
  return {
    valid: Object.values(anomalies).every((a) => a.count === 0),
    lostWrites: strip(lostWrites),
    duplicates: strip(duplicates),
    abortedReads: strip(abortedReads),
    tornTransactions: strip(tornTransactions),
    unexplainedReads: strip(unexplainedReads),
    stats: {
      inputs: history.inputs.length,
      transactions: history.transactions.length,
      committed: count("committed"),
      aborted: count("aborted"),
      unknownVisible,
      unknownHidden,
      readCommitted: history.readCommitted.length,
      readUncommitted: history.readUncommitted.length,
      abortedRecordsInLog: history.readUncommitted.filter((r) => abortedIds.has(r.txn)).length,
    },
  };
}

/** The verdict as a few report lines, Jepsen style (`:valid? true`, then each anomaly class). */
export function formatAnalysis(a: TxnAnalysis): string {
  const s = a.stats;
  const line = (name: string, x: Anomalies) => `  ${name.padEnd(20)} ${x.count}${x.examples.length ? `  e.g. ${x.examples.join("; ")}` : ""}`;
  return [
    `:valid? ${a.valid}`,
    line("lost writes", a.lostWrites),
    line("duplicates", a.duplicates),
    line("aborted reads", a.abortedReads),
    line("torn transactions", a.tornTransactions),
    line("unexplained reads", a.unexplainedReads),
    `  ${s.inputs} inputs; ${s.transactions} transactions: ${s.committed} committed, ${s.aborted} aborted, ${s.unknownVisible + s.unknownHidden} of unknown outcome (${s.unknownVisible} visible, ${s.unknownHidden} not)`,
    `  output: ${s.readCommitted} records read_committed, ${s.readUncommitted} read_uncommitted, ${s.abortedRecordsInLog} of them from aborted transactions`,
  ].join("\n");
}
