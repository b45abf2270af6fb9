import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkHistory, formatAnalysis } from "./support/txn/check-history.ts";
import { parseWorkerLines, type OutputRecord, type TxnHistory } from "./support/txn/history.ts";

// The exactly-once checker on hand-made histories: a clean one, then one per anomaly class.
// Inputs: partition 0 holds in-0-0 … in-0-2, partition 1 holds in-1-0, in-1-1.

const INPUTS = ["in-0-0", "in-0-1", "in-0-2", "in-1-0", "in-1-1"];

/** Output records at consecutive offsets of output partition 0. */
function outputs(...pairs: Array<[input: string, txn: string]>): OutputRecord[] {
  return pairs.map(([input, txn], offset) => ({ input, txn, partition: 0, offset }));
}

/** A history of a run whose worker printed `lines`, with the output log `written` and the read_committed view `visible` (places of `written`). */
function history(lines: string[], written: OutputRecord[], visibleOffsets: number[], finalOffsets: Array<[number, number]> = [[0, 3], [1, 2]]): TxnHistory {
  return {
    inputs: INPUTS,
    transactions: parseWorkerLines(lines),
    readCommitted: written.filter((r) => visibleOffsets.includes(r.offset)),
    readUncommitted: written,
    finalOffsets: new Map(finalOffsets),
    inputEnd: new Map([[0, 3], [1, 2]]),
  };
}

/** Worker lines of one whole transaction. */
function txnLines(id: string, reads: Array<[number, number]>, end: "committed" | "aborted" | "commit" | "sent"): string[] {
  const lines = [`begin ${id}`, ...reads.map(([p, o]) => `read ${id} ${p} ${o} in-${p}-${o}`), `sent ${id} ${reads.length}`];
  const next = new Map<number, number>();
  for (const [p, o] of reads) next.set(p, Math.max(next.get(p) ?? 0, o + 1));
  lines.push(`offsets ${id} ${[...next].map(([p, o]) => `${p}:${o}`).join(",")}`);
  if (end === "sent") return lines;
  if (end === "aborted") return [...lines, `abort ${id}`, `aborted ${id}`];
  lines.push(`commit ${id}`);
  return end === "committed" ? [...lines, `committed ${id}`] : lines;
}

const clean = () =>
  history(
    [...txnLines("t1", [[0, 0], [1, 0]], "committed"), ...txnLines("t2", [[0, 1], [0, 2]], "aborted"), ...txnLines("t3", [[0, 1], [0, 2], [1, 1]], "commit")],
    outputs(["in-0-0", "t1"], ["in-1-0", "t1"], ["in-0-1", "t2"], ["in-0-2", "t2"], ["in-0-1", "t3"], ["in-0-2", "t3"], ["in-1-1", "t3"]),
    [0, 1, 4, 5, 6],
  );

test("a clean history (a commit, an abort retried, a commit of unknown outcome that took) is valid", () => {
  const a = checkHistory(clean());
  assert.ok(a.valid, formatAnalysis(a));
  assert.equal(a.stats, {
    inputs: 5, transactions: 3, committed: 1, aborted: 1, unknownVisible: 1, unknownHidden: 0,
    readCommitted: 5, readUncommitted: 7, abortedRecordsInLog: 2,
  });
  assert.match(formatAnalysis(a), ":valid? true");
});

test("an input whose only output was aborted is a lost write", () => {
  const h = history(
    [...txnLines("t1", [[0, 0], [0, 1], [0, 2], [1, 0]], "committed"), ...txnLines("t2", [[1, 1]], "aborted")],
    outputs(["in-0-0", "t1"], ["in-0-1", "t1"], ["in-0-2", "t1"], ["in-1-0", "t1"], ["in-1-1", "t2"]),
    [0, 1, 2, 3],
  );
  const a = checkHistory(h);
  assert.not.ok(a.valid);
  assert.is(a.lostWrites.count, 1);
  assert.equal(a.lostWrites.examples, ["in-1-1"]);
  assert.is(a.duplicates.count + a.abortedReads.count + a.tornTransactions.count + a.unexplainedReads.count, 0);
});

test("an input committed by two transactions is a duplicate, and the first one's offset commit is missing", () => {
  const h = history(
    [...txnLines("t1", [[0, 0], [0, 1], [0, 2], [1, 0]], "committed"), ...txnLines("t2", [[1, 0], [1, 1]], "committed")],
    outputs(["in-0-0", "t1"], ["in-0-1", "t1"], ["in-0-2", "t1"], ["in-1-0", "t1"], ["in-1-0", "t2"], ["in-1-1", "t2"]),
    [0, 1, 2, 3, 4, 5],
  );
  const a = checkHistory(h);
  assert.is(a.duplicates.count, 1);
  assert.match(a.duplicates.examples[0], "in-1-0 ×2");
  assert.is(a.tornTransactions.count, 1);
  assert.match(a.tornTransactions.examples[0], "t1 (committed): offset commit missing: t2 consumed 1/0 again");
  assert.is(a.lostWrites.count, 0);
});

test("a read_committed reader seeing a record of an aborted transaction is an aborted read", () => {
  const h = clean();
  h.readCommitted.push(h.readUncommitted[2]); // in-0-1 by aborted t2
  const a = checkHistory(h);
  assert.is(a.abortedReads.count, 1);
  assert.match(a.abortedReads.examples[0], "written by aborted t2");
  assert.is(a.duplicates.count, 1, "it also duplicates in-0-1");
});

test("a committed transaction with only some outputs visible is torn, and so is one of unknown outcome", () => {
  const base = clean();
  const missingOne = { ...base, readCommitted: base.readCommitted.filter((r) => r.offset !== 1) };
  let a = checkHistory(missingOne);
  assert.is(a.tornTransactions.count, 1);
  assert.match(a.tornTransactions.examples[0], "t1 (committed): 1 of 2 outputs visible");
  assert.is(a.lostWrites.count, 1);

  const partlyUnknown = { ...base, readCommitted: base.readCommitted.filter((r) => r.offset !== 6) };
  a = checkHistory(partlyUnknown);
  assert.match(a.tornTransactions.examples[0], "t3 (unknown): 2 of 3 outputs visible");
});

test("a committed transaction whose outputs never reached the log is torn (and its inputs lost)", () => {
  const h = history(
    [...txnLines("t1", [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]], "committed")],
    [],
    [],
  );
  const a = checkHistory(h);
  assert.is(a.tornTransactions.count, 1);
  assert.match(a.tornTransactions.examples[0], "0 of 5 outputs visible");
  assert.is(a.lostWrites.count, 5);
});

test("a committed transaction whose offsets the group does not hold at the end is torn", () => {
  const h = clean();
  h.finalOffsets.set(1, 1);
  const a = checkHistory(h);
  assert.is(a.tornTransactions.count, 1);
  assert.match(a.tornTransactions.examples[0], "t3 (unknown): offset commit missing: group offset of partition 1 is 1, behind 2");
});

test("a read_committed record absent from the read_uncommitted view, or of a transaction never begun, is unexplained", () => {
  const h = clean();
  h.readCommitted.push({ input: "in-1-1", txn: "t3", partition: 1, offset: 0 });
  h.readUncommitted.push({ input: "in-0-0", txn: "ghost", partition: 2, offset: 0 });
  h.readCommitted.push({ input: "in-0-0", txn: "ghost", partition: 2, offset: 0 });
  const a = checkHistory(h);
  assert.is(a.unexplainedReads.count, 2);
  assert.match(a.unexplainedReads.examples[0], "not in the read_uncommitted view");
  assert.match(a.unexplainedReads.examples[1], "ghost, which never began");
});

test("a transaction of unknown outcome with nothing visible counts as aborted, not as an anomaly", () => {
  const h = history(
    [...txnLines("t1", [[0, 0], [0, 1], [0, 2]], "sent"), ...txnLines("t2", [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]], "committed")],
    outputs(["in-0-0", "t1"], ["in-0-1", "t1"], ["in-0-2", "t1"], ["in-0-0", "t2"], ["in-0-1", "t2"], ["in-0-2", "t2"], ["in-1-0", "t2"], ["in-1-1", "t2"]),
    [3, 4, 5, 6, 7],
  );
  const a = checkHistory(h);
  assert.ok(a.valid, formatAnalysis(a));
  assert.is(a.stats.unknownHidden, 1);
});

test("worker lines that name an unknown transaction or are malformed are refused", () => {
  assert.throws(() => parseWorkerLines(["read t9 0 0 in-0-0"]), /never began/);
  assert.throws(() => parseWorkerLines(["begin t1", "begin t1"]), /bad begin/);
  assert.throws(() => parseWorkerLines(["begin t1", "read t1 x 0 in"]), /bad read/);
  assert.throws(() => parseWorkerLines(["begin t1", "offsets t1 0:a"]), /bad offsets/);
  assert.equal(parseWorkerLines(["ready", "begin t1", "noise"]).map((t) => t.outcome), ["unknown"]);
});

test.run();
