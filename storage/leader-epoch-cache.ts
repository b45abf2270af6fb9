import { readFileSync } from "node:fs";
import { join } from "node:path";
import { storageError, writeFileAtomic } from "./atomic-file.ts";

/**
 * The leader-epoch checkpoint of a partition directory, in Kafka's text format:
 *
 * ```
 * 0              version
 * 2              number of entries
 * 0 0            epoch startOffset   (one line per entry, ascending in both)
 * 3 120
 * ```
 * Written whole and atomically (temp file, fsync, rename, fsync the directory) on every change.
 */
export const LEADER_EPOCH_CHECKPOINT_FILE = "leader-epoch-checkpoint";
export const LEADER_EPOCH_CHECKPOINT_VERSION = 0;
/** Kafka's "no epoch" and "no offset" answers of OffsetsForLeaderEpoch. */
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;
const EPOCH_MAX = 0x7fffffff;

/** The first offset written under one leader epoch. */
export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

/** OffsetsForLeaderEpoch's answer: an epoch and the offset where it ends (exclusive). */
export interface EpochEndOffset {
  epoch: number;
  endOffset: number;
}

/**
 * Which leader epoch wrote which offsets of a partition: a list of (epoch, start offset) entries,
 * strictly increasing in both, kept in memory and mirrored in {@link LEADER_EPOCH_CHECKPOINT_FILE}.
 * A follower finds where its log diverges from its leader's with {@link endOffsetFor} (Kafka's
 * KIP-101 and KIP-279) instead of trusting its high watermark.
 *
 * Every change is written through at once; changes are rare (a new leader, a truncation,
 * retention), never one per append.
 *
 * Not thread-safe: owned by one partition actor (through its `Log`).
 */
export class LeaderEpochCache {
  readonly path: string;
  #entries: EpochEntry[];

  private constructor(path: string, entries: EpochEntry[]) {
    this.path = path;
    this.#entries = entries;
  }

  /**
   * Reads the checkpoint in `dir`.
   * @returns the cache, and whether the file was there and well formed (if not, the cache is
   *   empty and the caller rebuilds it from the log)
   * @throws {RivuletError} `storage_error` when the file exists but cannot be read
   */
  static load(dir: string): { cache: LeaderEpochCache; readable: boolean } {
    const path = join(dir, LEADER_EPOCH_CHECKPOINT_FILE);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { cache: new LeaderEpochCache(path, []), readable: false };
      throw storageError("cannot read the leader-epoch checkpoint", path, error);
    }
    const entries = parseEpochCheckpoint(text);
    return { cache: new LeaderEpochCache(path, entries ?? []), readable: entries !== undefined };
  }

  /** The entries, oldest first (a copy). */
  get entries(): EpochEntry[] {
    return this.#entries.map((e) => ({ ...e }));
  }

  /** The newest epoch, or undefined when the cache is empty. */
  get latestEpoch(): number | undefined {
    return this.#entries[this.#entries.length - 1]?.epoch;
  }

  /** The newest entry, or undefined. */
  get latestEntry(): EpochEntry | undefined {
    const last = this.#entries[this.#entries.length - 1];
    return last && { ...last };
  }

  /**
   * Records that `epoch` starts at `startOffset`, writing the checkpoint if anything changed.
   * An epoch already latest with an equal or smaller start changes nothing. Entries that would
   * break monotonicity (an epoch ≥ `epoch`, or a start ≥ `startOffset`) are removed first, as
   * Kafka does: they describe a log this one no longer has.
   *
   * @returns true when the cache changed
   * @throws {RivuletError} `storage_error`
   */
  assign(epoch: number, startOffset: number): boolean {
    if (!this.#stage(epoch, startOffset)) return false;
    this.flush();
    return true;
  }

  /** As {@link assign} for several entries in order, with one write. */
  assignAll(entries: EpochEntry[]): boolean {
    let changed = false;
    for (const e of entries) changed = this.#stage(e.epoch, e.startOffset) || changed;
    if (changed) this.flush();
    return changed;
  }

  /**
   * Kafka's end offset for `requested` (KIP-101, KIP-279): with the largest epoch ≤ `requested`
   * (or `requested` itself when every known epoch is larger), the start offset of the first
   * epoch larger than `requested` — or `logEndOffset` when `requested` is the latest epoch.
   * Undefined (-1, -1) for a negative epoch (-1 = none), or an epoch larger than any known.
   */
  endOffsetFor(requested: number, logEndOffset: number): EpochEndOffset {
    const undefinedAnswer = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    if (requested < 0 || this.#entries.length === 0) return undefinedAnswer;
    if (this.latestEpoch === requested) return { epoch: requested, endOffset: logEndOffset };
    const higher = this.#entries.findIndex((e) => e.epoch > requested);
    if (higher < 0) return undefinedAnswer;
    // Every epoch from `higher` on is newer; the one before it (if any) is the floor.
    const floor = higher > 0 ? this.#entries[higher - 1].epoch : requested;
    return { epoch: floor, endOffset: this.#entries[higher].startOffset };
  }

  /**
   * Removes the entries starting at or after `endOffset` (the log was truncated there).
   * @throws {RivuletError} `storage_error`
   */
  truncateFromEnd(endOffset: number): void {
    const keep = this.#entries.filter((e) => e.startOffset < endOffset);
    if (keep.length === this.#entries.length) return;
    this.#entries = keep;
    this.flush();
  }

  /**
   * Drops what lies below `startOffset` (retention moved the log start): entries starting at or
   * below it go, except that the newest of them is kept with its start moved up to
   * `startOffset`, since its epoch still wrote the records from there.
   * @throws {RivuletError} `storage_error`
   */
  truncateFromStart(startOffset: number): void {
    let below = 0;
    while (below < this.#entries.length && this.#entries[below].startOffset <= startOffset) below++;
    if (below === 0) return;
    const first = { epoch: this.#entries[below - 1].epoch, startOffset };
    if (below === 1 && this.#entries[0].startOffset === startOffset) return;
    this.#entries = [first, ...this.#entries.slice(below)];
    this.flush();
  }

  /** Replaces every entry (a rebuild from the log) and writes the checkpoint. */
  replace(entries: EpochEntry[]): void {
    this.#entries = [];
    for (const e of entries) this.#stage(e.epoch, e.startOffset);
    this.flush();
  }

  /**
   * Writes the checkpoint atomically.
   * @throws {RivuletError} `storage_error`
   */
  flush(): void {
    writeFileAtomic(this.path, new TextEncoder().encode(formatEpochCheckpoint(this.#entries)));
  }

  #stage(epoch: number, startOffset: number): boolean {
    if (!Number.isInteger(epoch) || epoch < 0 || epoch > EPOCH_MAX || !Number.isSafeInteger(startOffset) || startOffset < 0) {
      throw new Error(`assertion: bad leader epoch entry (${epoch}, ${startOffset})`);
    }
    const last = this.#entries[this.#entries.length - 1];
    if (last && last.epoch === epoch && last.startOffset <= startOffset) return false;
    while (this.#entries.length > 0) {
      const tail = this.#entries[this.#entries.length - 1];
      if (tail.epoch < epoch && tail.startOffset < startOffset) break;
      this.#entries.pop();
    }
    this.#entries.push({ epoch, startOffset });
    return true;
  }
}

/** The checkpoint text of `entries`. */
export function formatEpochCheckpoint(entries: EpochEntry[]): string {
  const lines = [String(LEADER_EPOCH_CHECKPOINT_VERSION), String(entries.length), ...entries.map((e) => `${e.epoch} ${e.startOffset}`)];
  return lines.join("\n") + "\n";
}

/**
 * Parses checkpoint text strictly: the version, a count matching the lines, each line two
 * non-negative integers, epochs and offsets strictly increasing.
 * @returns the entries, or undefined when the text is not a well-formed checkpoint
 */
export function parseEpochCheckpoint(text: string): EpochEntry[] | undefined {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  if (lines.length < 2 || lines[0] !== String(LEADER_EPOCH_CHECKPOINT_VERSION)) return undefined;
  const count = decimal(lines[1]);
  if (count === undefined || count !== lines.length - 2) return undefined;
  const entries: EpochEntry[] = [];
  for (const line of lines.slice(2)) {
    const parts = line.split(" ");
    const epoch = decimal(parts[0]);
    const startOffset = decimal(parts[1]);
    if (parts.length !== 2 || epoch === undefined || startOffset === undefined || epoch > EPOCH_MAX) return undefined;
    const prev = entries[entries.length - 1];
    if (prev && (epoch <= prev.epoch || startOffset <= prev.startOffset)) return undefined;
    entries.push({ epoch, startOffset });
  }
  return entries;
}

function decimal(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}
