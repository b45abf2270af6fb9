/**
 * A chaos run's history as JSON lines in a file, so a failed run can be checked again, or
 * looked at, after the fact. The writer keeps the operations in memory too (the checker runs on
 * them at the end) and appends to the file in batches, so recording stays cheap.
 */
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import type { HistoryOp } from "./history.ts";

/** Appends operations to a history file. Not thread-safe; one per run. */
export class HistoryWriter {
  readonly path: string;
  readonly ops: HistoryOp[] = [];
  #pending: string[] = [];
  #timer: ReturnType<typeof setInterval>;

  /** Creates (or empties) the file at `path`. */
  constructor(path: string) {
    this.path = path;
    writeFileSync(path, "");
    this.#timer = setInterval(() => this.flush(), 250);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  record(op: HistoryOp): void {
    this.ops.push(op);
    this.#pending.push(JSON.stringify(op));
  }

  /** Writes what is pending to the file. */
  flush(): void {
    if (this.#pending.length === 0) return;
    appendFileSync(this.path, this.#pending.join("\n") + "\n");
    this.#pending = [];
  }

  close(): void {
    clearInterval(this.#timer);
    this.flush();
  }
}

/** Reads a history file written by {@link HistoryWriter}. */
export function readHistory(path: string): HistoryOp[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as HistoryOp);
}
