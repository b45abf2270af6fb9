/**
 * The history of an exactly-once consume-transform-produce run, as the checker
 * (`check-history.ts`) reads it: what the worker says it did (one line per step, written before
 * the process can be killed) and what readers found in the log afterwards. Tests only.
 *
 * Worker lines (space-separated; `<txn>` is unique across the whole run, e.g. `w3-t17`):
 * - `begin <txn>`                       a transaction starts
 * - `read <txn> <partition> <offset> <input>`  it consumed input record `<input>` at that place
 * - `sent <txn> <output-count>`         its output records were all sent (not yet committed)
 * - `offsets <txn> <p>:<next>,…`        it adds these input offsets to the transaction
 * - `commit <txn>`                      it asks to commit (outcome unknown until the next line)
 * - `committed <txn>`                   the commit was acknowledged
 * - `abort <txn>` / `aborted <txn>`     it asks to abort / the abort was acknowledged
 * Other lines (`ready`, diagnostics) are ignored.
 */

/** How a transaction ended, as far as the worker knows. */
export type TxnOutcome = "committed" | "aborted" | "unknown";

/** One input record a transaction consumed. */
export interface ConsumedInput {
  partition: number;
  offset: number;
  /** The input record's id (its value), e.g. `in-2-17`. */
  input: string;
}

/** One transaction the worker began. */
export interface TxnAttempt {
  id: string;
  consumed: ConsumedInput[];
  /** Input offsets (next offset to read, per input partition) it added to the transaction. */
  offsets: Map<number, number>;
  /** Output records it sent, or null when it died before `sent`. */
  outputsSent: number | null;
  outcome: TxnOutcome;
}

/** One output record found by a reader: which input it stands for, which transaction wrote it. */
export interface OutputRecord {
  input: string;
  txn: string;
  partition: number;
  offset: number;
}

/** Everything the checker needs. */
export interface TxnHistory {
  /** Every input record's id, as pre-filled. */
  inputs: string[];
  /** Every transaction the worker began, in the order begun (one worker at a time). */
  transactions: TxnAttempt[];
  /** The output topic read with isolation read_committed, from offset 0 to the end. */
  readCommitted: OutputRecord[];
  /** The output topic read with isolation read_uncommitted (data records only). */
  readUncommitted: OutputRecord[];
  /** The group's final committed offset per input partition (absent: none). */
  finalOffsets: Map<number, number>;
  /** Records per input partition (its log end offset). */
  inputEnd: Map<number, number>;
}

/**
 * Folds worker lines into transactions (in the order their `begin` lines appear). A transaction
 * with `commit` but no `committed` — or with neither `committed` nor `aborted` — ends
 * `unknown`: the process died (or was killed) while the outcome was being decided.
 *
 * @throws {Error} on a malformed line or one naming a transaction that never began
 */
export function parseWorkerLines(lines: Iterable<string>): TxnAttempt[] {
  const byId = new Map<string, TxnAttempt>();
  const order: TxnAttempt[] = [];
  const get = (id: string, line: string): TxnAttempt => {
    const txn = byId.get(id);
    if (!txn) throw new Error(`history line names a transaction that never began: ${line}`);
    return txn;
  };
  for (const line of lines) {
    const parts = line.trim().split(" ");
    const [kind, id] = parts;
    switch (kind) {
      case "begin": {
        if (!id || byId.has(id)) throw new Error(`bad begin line: ${line}`);
        const txn: TxnAttempt = { id, consumed: [], offsets: new Map(), outputsSent: null, outcome: "unknown" };
        byId.set(id, txn);
        order.push(txn);
        break;
      }
      case "read": {
        const [, , partition, offset, input] = parts;
        if (input === undefined || !Number.isInteger(Number(partition)) || !Number.isInteger(Number(offset))) throw new Error(`bad read line: ${line}`);
        get(id, line).consumed.push({ partition: Number(partition), offset: Number(offset), input });
        break;
      }
      case "sent":
        get(id, line).outputsSent = Number(parts[2]);
        break;
      case "offsets": {
        const txn = get(id, line);
        for (const pair of (parts[2] ?? "").split(",").filter(Boolean)) {
          const [p, o] = pair.split(":").map(Number);
          if (!Number.isInteger(p) || !Number.isInteger(o)) throw new Error(`bad offsets line: ${line}`);
          txn.offsets.set(p, o);
        }
        break;
      }
      case "committed":
        get(id, line).outcome = "committed";
        break;
      case "aborted":
        get(id, line).outcome = "aborted";
        break;
      case "commit":
      case "abort":
        get(id, line);
        break;
      default:
        break;
    }
  }
  return order;
}
