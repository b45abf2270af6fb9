import { join } from "node:path";

/**
 * Names of the files in a partition directory, in one place. A segment is named by its base
 * offset zero-padded to 20 digits, as in Kafka: `00000000000000000000.log` with its `.index` and
 * `.timeindex` and `.txnindex` (aborted transactions, see `transaction-index.ts`); producer-state snapshots are `<offset20>.snapshot`; the leader-epoch checkpoint
 * is `leader-epoch-checkpoint` (see `leader-epoch-cache.ts`).
 *
 * File states (suffixes appended to a whole file name):
 * - `.tmp`     an atomic write in progress; deleted by recovery.
 * - `.cleaned` a compacted segment being written; deleted by recovery.
 * - `.swap`    a compacted segment that is complete: recovery finishes the swap.
 */
export const Suffix = {
  log: ".log",
  index: ".index",
  timeIndex: ".timeindex",
  txnIndex: ".txnindex",
  snapshot: ".snapshot",
  tmp: ".tmp",
  cleaned: ".cleaned",
  swap: ".swap",
} as const;

/** The marker written by a clean close (CBOR: {@link CleanShutdown}). */
export const CLEAN_SHUTDOWN_FILE = ".clean-shutdown";

/**
 * The marker of a truncation under way (CBOR: a `TruncationPlan`, see `log-truncation.ts`).
 * Written atomically before a truncation removes anything and deleted when it is complete;
 * recovery that finds it finishes the truncation first.
 */
export const TRUNCATION_FILE = ".truncation";

/** What a clean close records, so the next open scans nothing. */
export interface CleanShutdown {
  /** Base offset of the newest segment. */
  activeBaseOffset: number;
  /** Its size in bytes when closed. */
  activeSizeBytes: number;
  /** The log end offset when closed. */
  nextOffset: number;
  /** Largest timestamp in the newest segment, -1 if empty. */
  maxTimestamp: number;
}

const OFFSET_DIGITS = 20;
const nameRe = /^(\d{20})(\.[a-z]+)$/;

/** The 20-digit name stem of an offset. */
export function offsetStem(offset: number): string {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new TypeError(`bad offset ${offset}`);
  return String(offset).padStart(OFFSET_DIGITS, "0");
}

/** Path of the file for `offset` with `suffix` in `dir`. */
export function offsetPath(dir: string, offset: number, suffix: string): string {
  return join(dir, offsetStem(offset) + suffix);
}

/** Parses `<offset20><suffix>`; undefined for any other name. */
export function parseOffsetName(name: string): { offset: number; suffix: string } | undefined {
  const m = nameRe.exec(name);
  if (!m) return undefined;
  const offset = Number(m[1]);
  if (!Number.isSafeInteger(offset)) return undefined;
  return { offset, suffix: m[2] };
}
