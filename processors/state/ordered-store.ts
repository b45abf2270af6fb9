/**
 * `OrderedStore`: a task's in-memory key-value store, keys in unsigned byte order, as the
 * {@link KeyValueStore} of processors/task-contract.ts.
 *
 * Structure: each key is also held as a "binary string" (one UTF-16 code unit per byte, 0-255),
 * whose native comparison is exactly unsigned byte order (a prefix first). A `Map` from that
 * string to the entry serves `get`, updates and deletes in O(1). The order lives in a list of
 * leaves, each a sorted array of at most {@link LEAF_ENTRIES_MAX} key strings, found by a binary
 * search over the leaves' first keys, plus a write buffer: new keys are appended unsorted and
 * merged into the leaves only when an ordered read (`range`) needs them — one at a time when
 * few, by one sort and a linear merge when many. So a changelog replay of 1,000,000 new keys
 * costs 1,000,000 `Map` writes and one sort, not 1,000,000 sorted inserts (those ran ~130,000 per
 * CPU-second on the benchmark machine). Loading entries already in order (a snapshot) fills the
 * leaves directly ({@link OrderedStore.load}).
 *
 * Memory: `bytes` counts key and value bytes; a write that would take it past the store's
 * limit (`processorStoreBytesMax`, or the topology's `memoryLimitBytes`) throws `store_full`
 * and changes nothing. Keys are held only as their binary strings (`range` rebuilds the bytes),
 * which keeps one entry to a string, a small object and the value.
 *
 * Concurrency: not thread-safe. A store belongs to one task, and a task to one pool worker at a
 * time; the runtime never calls a task concurrently, so no locking is needed. Values are kept as
 * given (not copied): callers hand over buffers they no longer change.
 */
import { RivuletError } from "../../core/errors.ts";
import type { KeyValueStore } from "../task-contract.ts";

/** Most entries in one leaf; a full leaf splits in two. */
export const LEAF_ENTRIES_MAX = 512;

interface Entry {
  value: Uint8Array;
  /** In the leaves (else only in the write buffer). */
  indexed: boolean;
}

/** Buffered new keys merged one by one (below this) or by a sort and a full merge. */
const MERGE_ONE_BY_ONE_MAX = 64;

/** The binary string of a key: code unit i = byte i (0-255); ordered as the bytes are. */
export function binaryString(bytes: Uint8Array): string {
  if (bytes.length <= 4096) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  return out;
}

/** The bytes of a binary string (the inverse of {@link binaryString}). */
export function bytesOfBinaryString(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * @example
 * ```ts
 * const store = new OrderedStore("counts", { bytesMax: 64 * 1024 * 1024 });
 * store.put(new TextEncoder().encode("alice"), new Uint8Array([1]));
 * for (const [key, value] of store.range()) console.log(key, value);
 * ```
 */
export class OrderedStore implements KeyValueStore {
  readonly name: string;
  /** Most key + value bytes held. */
  readonly bytesMax: number;
  #entries = new Map<string, Entry>();
  /** Sorted key strings, in leaves. */
  #leaves: string[][] = [];
  /** First key of each leaf, for the outer binary search. */
  #firsts: string[] = [];
  /** New keys not yet in the leaves (may hold keys deleted since; settled by {@link #settle}). */
  #pending: string[] = [];
  #bytes = 0;

  /**
   * @param name the store's name (as the topology names it)
   * @param options `bytesMax`: the memory limit, in key + value bytes
   */
  constructor(name: string, options: { bytesMax: number }) {
    this.name = name;
    this.bytesMax = options.bytesMax;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#entries.get(binaryString(key))?.value;
  }

  /**
   * Sets (or with `null` deletes) a key.
   *
   * @throws {RivuletError} `store_full` when the write would pass `bytesMax`
   */
  put(key: Uint8Array, value: Uint8Array | null): void {
    const s = binaryString(key);
    const entry = this.#entries.get(s);
    if (entry) {
      if (value === null) {
        this.#bytes -= key.length + entry.value.length;
        this.#entries.delete(s);
        if (entry.indexed) this.#unindex(s);
        return;
      }
      this.#charge(value.length - entry.value.length, key);
      entry.value = value;
      return;
    }
    if (value === null) return;
    this.#charge(key.length + value.length, key);
    this.#entries.set(s, { value, indexed: false });
    this.#pending.push(s);
  }

  /** Entries with `from <= key < to` in key order; writes during the iteration are not allowed. */
  *range(from?: Uint8Array, to?: Uint8Array): Iterable<[Uint8Array, Uint8Array]> {
    this.#settle();
    const lo = from ? binaryString(from) : undefined;
    const hi = to ? binaryString(to) : undefined;
    let l = lo === undefined ? 0 : this.#leafFor(lo);
    let i = lo === undefined || !this.#leaves[l] ? 0 : lowerBound(this.#leaves[l], lo);
    for (; l < this.#leaves.length; l++, i = 0) {
      const leaf = this.#leaves[l];
      for (; i < leaf.length; i++) {
        if (hi !== undefined && leaf[i] >= hi) return;
        yield [bytesOfBinaryString(leaf[i]), this.#entries.get(leaf[i])!.value];
      }
    }
  }

  /** Removes every entry. */
  clear(): void {
    this.#entries = new Map();
    this.#leaves = [];
    this.#firsts = [];
    this.#pending = [];
    this.#bytes = 0;
  }

  /**
   * Replaces the content with entries given in strictly increasing key order (a snapshot), in
   * one pass and without searching.
   *
   * @throws {RivuletError} `store_full` past `bytesMax`; `corrupt_record` when keys are out of order
   */
  load(keys: Uint8Array[], values: Uint8Array[]): void {
    this.clear();
    let bytes = 0;
    for (let i = 0; i < keys.length; i++) bytes += keys[i].length + values[i].length;
    if (bytes > this.bytesMax) throw this.#full(bytes);
    const sorted: string[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const s = binaryString(keys[i]);
      if (i > 0 && !(sorted[i - 1] < s)) {
        this.clear();
        throw new RivuletError("corrupt_record", `store "${this.name}": loaded keys are not in increasing order at entry ${i}`, { store: this.name });
      }
      sorted[i] = s;
      this.#entries.set(s, { value: values[i], indexed: true });
    }
    this.#fill(sorted);
    this.#bytes = bytes;
  }

  /** Replaces the leaves with `sorted` (strictly increasing), half-full leaves. */
  #fill(sorted: string[]): void {
    const half = LEAF_ENTRIES_MAX >>> 1;
    this.#leaves = [];
    this.#firsts = [];
    for (let start = 0; start < sorted.length; start += half) {
      const leaf = sorted.slice(start, start + half);
      this.#leaves.push(leaf);
      this.#firsts.push(leaf[0]);
    }
  }

  /** Moves the write buffer's live keys into the leaves. */
  #settle(): void {
    if (this.#pending.length === 0) return;
    const fresh: string[] = [];
    for (const s of this.#pending) {
      const entry = this.#entries.get(s);
      if (entry === undefined || entry.indexed) continue; // deleted since, or buffered twice
      entry.indexed = true;
      fresh.push(s);
    }
    this.#pending = [];
    if (fresh.length <= MERGE_ONE_BY_ONE_MAX) {
      for (const s of fresh) this.#index(s);
      return;
    }
    fresh.sort();
    const merged: string[] = new Array(this.#entries.size);
    let m = 0;
    let f = 0;
    for (const leaf of this.#leaves) {
      for (const s of leaf) {
        while (f < fresh.length && fresh[f] < s) merged[m++] = fresh[f++];
        merged[m++] = s;
      }
    }
    while (f < fresh.length) merged[m++] = fresh[f++];
    merged.length = m;
    this.#fill(merged);
  }

  /** Index of the leaf that holds (or would hold) `key`: the last leaf whose first key is ≤ it. */
  #leafFor(key: string): number {
    const firsts = this.#firsts;
    let lo = 0;
    let hi = firsts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (firsts[mid] <= key) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  #index(s: string): void {
    if (this.#leaves.length === 0) {
      this.#leaves.push([s]);
      this.#firsts.push(s);
      return;
    }
    const l = this.#leafFor(s);
    const leaf = this.#leaves[l];
    const at = lowerBound(leaf, s);
    leaf.splice(at, 0, s);
    if (at === 0) this.#firsts[l] = s;
    if (leaf.length > LEAF_ENTRIES_MAX) {
      const right = leaf.splice(leaf.length >>> 1);
      this.#leaves.splice(l + 1, 0, right);
      this.#firsts.splice(l + 1, 0, right[0]);
    }
  }

  #unindex(s: string): void {
    const l = this.#leafFor(s);
    const leaf = this.#leaves[l];
    const at = lowerBound(leaf, s);
    leaf.splice(at, 1);
    if (leaf.length === 0) {
      this.#leaves.splice(l, 1);
      this.#firsts.splice(l, 1);
    } else if (at === 0) {
      this.#firsts[l] = leaf[0];
    }
  }

  #charge(delta: number, key: Uint8Array): void {
    if (this.#bytes + delta > this.bytesMax) throw this.#full(this.#bytes + delta, key);
    this.#bytes += delta;
  }

  #full(wanted: number, key?: Uint8Array): RivuletError {
    return new RivuletError("store_full", `store "${this.name}" would hold ${wanted} bytes, past its limit of ${this.bytesMax} bytes (processorStoreBytesMax or the store's memoryLimitBytes)`, {
      store: this.name,
      limit: "processorStoreBytesMax",
      bytesMax: this.bytesMax,
      keyBytes: key?.length,
    });
  }
}

/** The first index whose key is ≥ `key`. */
function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
