/**
 * `OrderedStore`: a task's in-memory key-value store, keys in unsigned byte order, as the
 * {@link KeyValueStore} of processors/task-contract.ts.
 *
 * Structure: each key is also held as a "binary string" (one UTF-16 code unit per byte, 0-255),
 * whose native comparison is exactly unsigned byte order (a prefix first). A hash table from
 * that string to the value ({@link KeyIndex}, which also finds a key from its bytes, so a
 * changelog replay makes no string for a key already held) serves `get`, updates and deletes
 * in O(1). The order lives in a list of
 * leaves, each a sorted array of at most {@link LEAF_ENTRIES_MAX} key strings, found by a binary
 * search over the leaves' first keys, plus a write buffer: new keys are appended unsorted and
 * merged into the leaves only when an ordered read (`range`) needs them — one at a time when
 * few, by one sort and a linear merge when many. So a changelog replay of 1,000,000 new keys
 * costs 1,000,000 hash-table inserts and one sort, not 1,000,000 sorted inserts (those ran ~130,000 per
 * CPU-second on the benchmark machine). Loading entries already in order (a snapshot) fills the
 * leaves directly ({@link OrderedStore.load}, {@link OrderedStore.loadColumns}).
 *
 * One entry is one hash-table slot and its key string, nothing more: no per-entry object (a restore
 * of 1,000,000 keys spent more time collecting such objects than building the index). A value
 * restored (loaded from a snapshot, or replayed from the changelog by {@link putFromBytes})
 * lives in the store's {@link ValueColumn}: its slot holds the value's index there, and `get`
 * returns a view of those bytes. A value written by `put` is held as the array given. The
 * column is compacted when more than half of it is overwritten values.
 *
 * Entries loaded from a snapshot ({@link OrderedStore.loadColumns}) are not put in the hash
 * table: they stay a sorted run (the snapshot's key array, and each key's value index in the
 * column), found by binary search; the table holds the entries written since. Hashing
 * 1,000,000 fresh key strings into a `Map` was two thirds of a snapshot load's CPU time; a
 * lookup in the run costs about 20 string comparisons instead. A loaded key that is read or
 * overwritten moves to the table (its run slot is marked gone), one deleted is marked gone; a
 * key is live in at most one of the two. So reads after a load cost a binary search only the
 * first time a key is read.
 *
 * Memory: `bytes` counts key and value bytes; a write that would take it past the store's
 * limit (`processorStoreBytesMax`, or the topology's `memoryLimitBytes`) throws `store_full`
 * and changes nothing. Keys are held only as their binary strings (`range` rebuilds the bytes).
 *
 * Concurrency: not thread-safe. A store belongs to one task, and a task to one pool worker at a
 * time; the runtime never calls a task concurrently, so no locking is needed. Values are kept as
 * given (not copied): callers hand over buffers they no longer change.
 */
import { RivuletError } from "../../core/errors.ts";
import type { KeyValueStore } from "../task-contract.ts";
import type { Buffer } from "node:buffer";
import { KeyIndex } from "./key-index.ts";
import { latin1 } from "./latin1.ts";
import { ValueColumn } from "./value-column.ts";

/** Most entries in one leaf; a full leaf splits in two. */
export const LEAF_ENTRIES_MAX = 512;

/** Buffered new keys merged one by one (below this) or by a sort and a full merge. */
const MERGE_ONE_BY_ONE_MAX = 64;

/** A slot of the hash table (or run): the value, or its index in the store's {@link ValueColumn}. */
type Slot = Uint8Array | number;

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
  /** Entries written since the load (all of them without one): key → slot. */
  #lookup = new KeyIndex<Slot>();
  /** Restored values (see the class comment). */
  #column = ValueColumn.empty();
  /** Keys loaded by {@link loadColumns}, increasing (the run described in the class comment). */
  #run: string[] = [];
  /** Per run key, its value's index in the column; -1 once overwritten (now in the hash table) or deleted. */
  #runSlots = new Float64Array(0);
  /** Run keys not marked gone. */
  #runLive = 0;
  /** Where the last run lookup ended: ordered walks (snapshot writes) find the next key there. */
  #runHint = 0;
  /** Sorted key strings, in leaves. */
  #leaves: string[][] = [];
  /** First key of each leaf, for the outer binary search. */
  #firsts: string[] = [];
  /**
   * New keys not yet in the leaves; may hold keys deleted since, or a key twice (put, deleted,
   * put again): {@link #settle} keeps each live key once.
   */
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
    return this.#lookup.size + this.#runLive;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Bytes the value column holds, overwritten values included (at most about twice its live bytes plus 1 MiB: see value-column.ts). */
  get columnBytes(): number {
    return this.#column.used;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const entry = this.#lookup.findBytes(key, 0, key.length);
    const slot = entry >= 0 ? this.#lookup.slots[entry] : this.#runLive > 0 ? this.#promote(binaryString(key)) : undefined;
    return typeof slot === "number" ? this.#column.view(slot) : slot;
  }

  /** {@link get} by the key's binary string. */
  getBinary(key: string): Uint8Array | undefined {
    const entry = this.#lookup.find(key);
    const slot = entry >= 0 ? this.#lookup.slots[entry] : this.#promote(key);
    return typeof slot === "number" ? this.#column.view(slot) : slot;
  }

  /**
   * A live run key read moves to the hash table (same value, same place in the column), so a
   * key read again is found by one hash instead of a binary search: the hashing a load skipped
   * is paid by the keys the task reads, when it first reads them.
   *
   * @returns the key's column index; undefined when it is not live in the run
   */
  #promote(key: string): number | undefined {
    const i = this.#runIndex(key);
    if (i < 0) return undefined;
    const slot = this.#runSlots[i];
    this.#lookup.add(key, slot);
    this.#leaveRun(i);
    return slot;
  }

  /** The run index of a live run key; -1 when the key is not live in the run. */
  #runIndex(key: string): number {
    const run = this.#run;
    if (this.#runLive === 0) return -1;
    // An ordered walk asks for run keys in order: try just past the previous hit first.
    let i = this.#runHint;
    for (const stop = Math.min(i + 4, run.length); i < stop && run[i] < key; i++);
    if (run[i] !== key) i = lowerBound(run, key);
    if (run[i] !== key || this.#runSlots[i] < 0) return -1;
    this.#runHint = i + 1;
    return i;
  }

  /** The column index of a live run key's value, undefined when it is not live in the run. */
  #runSlot(key: string): number | undefined {
    const i = this.#runIndex(key);
    return i < 0 ? undefined : this.#runSlots[i];
  }

  /** Marks run key i gone (overwritten or deleted). */
  #leaveRun(i: number): void {
    this.#runSlots[i] = -1;
    if (--this.#runLive === 0) {
      this.#run = [];
      this.#runSlots = new Float64Array(0);
      this.#runHint = 0;
    }
  }

  /**
   * Copies a key's value into `out` at `at` (a snapshot write: no view made per loaded value).
   *
   * @returns the value's length; -1 when the key is absent
   */
  copyValueInto(key: string, out: Uint8Array, at: number): number {
    // The run first: a snapshot written soon after a load walks mostly run keys, in order, and
    // a run hit hashes nothing (a live run key is never in the index).
    const slot = this.#runSlot(key) ?? this.#lookup.slots[this.#lookup.find(key)];
    if (slot === undefined) return -1;
    if (typeof slot === "number") return this.#column.copyInto(slot, out, at);
    out.set(slot, at);
    return slot.length;
  }

  /**
   * Sets (or with `null` deletes) a key.
   *
   * @throws {RivuletError} `store_full` when the write would pass `bytesMax`
   */
  put(key: Uint8Array, value: Uint8Array | null): void {
    this.putBinary(binaryString(key), value);
  }

  /**
   * {@link put} by the key's binary string (its length is the key's byte length): a changelog
   * replay decodes keys straight to strings.
   *
   * @throws {RivuletError} `store_full` when the write would pass `bytesMax`
   */
  putBinary(key: string, value: Uint8Array | null): void {
    if (value === null) this.#delete(key);
    else this.#set(key, value, value.length);
  }

  /**
   * Sets a key to `src[from, to)`, copied into the store's value column: a changelog replay,
   * which so keeps no view of the fetched bytes and makes no array per value.
   *
   * @throws {RivuletError} `store_full` when the write would pass `bytesMax`
   */
  putBinaryFrom(key: string, src: Uint8Array, from: number, to: number): void {
    this.#set(key, src, to - from, from);
  }

  /**
   * A changelog record straight from its bytes: the key `src[keyFrom, keyTo)` set to
   * `src[valueFrom, valueTo)` (copied into the value column, as {@link putBinaryFrom}), or
   * deleted when `valueFrom` is -1. The key's string is made only when the store lacks the key.
   *
   * @throws {RivuletError} `store_full` when the write would pass `bytesMax`
   */
  putFromBytes(src: Buffer, keyFrom: number, keyTo: number, valueFrom: number, valueTo: number): void {
    const entry = this.#lookup.findBytes(src, keyFrom, keyTo);
    if (entry >= 0) {
      if (valueFrom < 0) this.#deleteEntry(entry);
      else this.#update(entry, src, valueTo - valueFrom, valueFrom);
      return;
    }
    const key = latin1(src, keyFrom, keyTo);
    if (valueFrom < 0) this.#deleteFromRun(key);
    else this.#setAbsent(key, src, valueTo - valueFrom, valueFrom);
  }

  /** Sets `key` to `value` (an array kept as it is) or, given `from`, to `value[from, from + length)` copied into the column. */
  #set(key: string, value: Uint8Array, length: number, from = -1): void {
    const entry = this.#lookup.find(key);
    if (entry >= 0) this.#update(entry, value, length, from);
    else this.#setAbsent(key, value, length, from);
  }

  /** The slot for a new value: `value` itself, or (given `from`) its bytes copied into the column. */
  #slotFor(value: Uint8Array, length: number, from: number): Slot {
    return from < 0 ? value : this.#column.append(value, from, from + length);
  }

  #lengthOf(slot: Slot): number {
    return typeof slot === "number" ? this.#column.length(slot) : slot.length;
  }

  /** Sets the value of an index entry. */
  #update(entry: number, value: Uint8Array, length: number, from: number): void {
    const slots = this.#lookup.slots;
    const slot = slots[entry]!;
    this.#charge(length - this.#lengthOf(slot), this.#lookup.keys[entry]);
    slots[entry] = this.#slotFor(value, length, from);
    if (typeof slot === "number") this.#dropped(slot);
  }

  /** Sets a key the index lacks: a live run key moves to the index, any other is new. */
  #setAbsent(key: string, value: Uint8Array, length: number, from: number): void {
    const runAt = this.#runIndex(key);
    if (runAt < 0) {
      this.#charge(key.length + length, key);
      this.#lookup.add(key, this.#slotFor(value, length, from));
      this.#pending.push(key);
      return;
    }
    const old = this.#runSlots[runAt];
    this.#charge(length - this.#column.length(old), key);
    this.#lookup.add(key, this.#slotFor(value, length, from));
    this.#leaveRun(runAt); // already in the leaves
    this.#dropped(old);
  }

  #delete(key: string): void {
    const entry = this.#lookup.find(key);
    if (entry >= 0) this.#deleteEntry(entry);
    else this.#deleteFromRun(key);
  }

  #deleteEntry(entry: number): void {
    const key = this.#lookup.keys[entry];
    const slot = this.#lookup.slots[entry]!;
    this.#bytes -= key.length + this.#lengthOf(slot);
    this.#lookup.remove(entry);
    this.#unindex(key);
    if (typeof slot === "number") this.#dropped(slot);
  }

  /** Deletes a key the index lacks, if live in the run. */
  #deleteFromRun(key: string): void {
    const runAt = this.#runIndex(key);
    if (runAt < 0) return;
    const old = this.#runSlots[runAt];
    this.#bytes -= key.length + this.#column.length(old);
    this.#leaveRun(runAt);
    this.#unindex(key);
    this.#dropped(old);
  }

  /** A column value lost its slot; compacts the column when it is mostly such values. */
  #dropped(slot: number): void {
    const column = this.#column;
    column.drop(slot);
    if (!column.wantsCompaction()) return;
    const fresh = new ValueColumn(new Uint8Array(column.used - column.garbage), new Float64Array(column.count - column.dropped + 1), 0);
    const runSlots = this.#runSlots;
    for (let i = 0; i < runSlots.length; i++) {
      const s = runSlots[i];
      if (s >= 0) runSlots[i] = fresh.append(column.bytes, column.starts[s], column.starts[s + 1]);
    }
    const slots = this.#lookup.slots;
    for (let entry = 0; entry < slots.length; entry++) {
      const s = slots[entry];
      if (typeof s === "number") slots[entry] = fresh.append(column.bytes, column.starts[s], column.starts[s + 1]);
    }
    this.#column = fresh;
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
        yield [bytesOfBinaryString(leaf[i]), this.getBinary(leaf[i])!];
      }
    }
  }

  /**
   * Every key string in increasing order, leaf by leaf (the arrays are the store's own: read
   * them before the next write). For writing snapshots without a `[key, value]` pair per entry.
   */
  sortedKeys(): ReadonlyArray<readonly string[]> {
    this.#settle();
    return this.#leaves;
  }

  /** Removes every entry. */
  clear(): void {
    this.#lookup = new KeyIndex();
    this.#run = [];
    this.#runSlots = new Float64Array(0);
    this.#runLive = 0;
    this.#runHint = 0;
    this.#column = ValueColumn.empty();
    this.#leaves = [];
    this.#firsts = [];
    this.#pending = [];
    this.#bytes = 0;
  }

  /**
   * Replaces the content with entries given in strictly increasing key order, in one pass and
   * without searching.
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
      if (i > 0 && !(sorted[i - 1] < s)) throw this.#unordered(i);
      sorted[i] = s;
      this.#lookup.add(s, values[i]);
    }
    this.#fill(sorted);
    this.#bytes = bytes;
  }

  /**
   * Replaces the content with a snapshot's columns: key strings in strictly increasing order and
   * their values end to end, which stay where they are; the keys become the store's sorted run
   * (see the class comment): no hashing, one comparison per key to check the order.
   *
   * @param keys binary key strings, increasing; the array becomes the store's (not copied)
   * @param values `keys.length` values
   * @throws {RivuletError} `store_full` past `bytesMax`; `corrupt_record` when keys are out of order or the column does not match
   */
  loadColumns(keys: string[], values: ValueColumn): void {
    this.clear();
    const count = keys.length;
    if (values.count !== count || values.garbage !== 0) throw new RivuletError("corrupt_record", `store "${this.name}": ${count} keys but ${values.count} values`, { store: this.name });
    let bytes = values.used;
    for (let i = 0; i < count; i++) bytes += keys[i].length;
    if (bytes > this.bytesMax) throw this.#full(bytes);
    const runSlots = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      if (i > 0 && !(keys[i - 1] < keys[i])) throw this.#unordered(i);
      runSlots[i] = i;
    }
    this.#column = values;
    this.#run = keys;
    this.#runSlots = runSlots;
    this.#runLive = count;
    this.#fill(keys);
    this.#bytes = bytes;
  }

  #unordered(at: number): RivuletError {
    this.clear();
    return new RivuletError("corrupt_record", `store "${this.name}": loaded keys are not in increasing order at entry ${at}`, { store: this.name });
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

  /** Moves the write buffer's live keys into the leaves, each once. */
  #settle(): void {
    if (this.#pending.length === 0) return;
    const pending = this.#pending;
    this.#pending = [];
    // A buffered key is live when the hash table has it; it is never in the leaves already: a key
    // leaves the leaves only by a delete, and only a put after that buffers it again.
    const fresh: string[] = [];
    for (const s of pending) if (this.#lookup.find(s) >= 0) fresh.push(s);
    // (A buffered key is never live in the run: it was put while not there.)
    if (fresh.length <= MERGE_ONE_BY_ONE_MAX) {
      for (const s of fresh) this.#index(s);
      return;
    }
    fresh.sort();
    const merged: string[] = new Array(this.size);
    let m = 0;
    let f = 0;
    let last: string | undefined;
    for (const leaf of this.#leaves) {
      for (const s of leaf) {
        while (f < fresh.length && fresh[f] < s) {
          if (fresh[f] !== last) merged[m++] = last = fresh[f];
          f++;
        }
        merged[m++] = last = s;
      }
    }
    for (; f < fresh.length; f++) if (fresh[f] !== last) merged[m++] = last = fresh[f];
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

  /** Adds a key to the leaves (nothing when it is there: a key buffered twice). */
  #index(s: string): void {
    if (this.#leaves.length === 0) {
      this.#leaves.push([s]);
      this.#firsts.push(s);
      return;
    }
    const l = this.#leafFor(s);
    const leaf = this.#leaves[l];
    const at = lowerBound(leaf, s);
    if (leaf[at] === s) return;
    leaf.splice(at, 0, s);
    if (at === 0) this.#firsts[l] = s;
    if (leaf.length > LEAF_ENTRIES_MAX) {
      const right = leaf.splice(leaf.length >>> 1);
      this.#leaves.splice(l + 1, 0, right);
      this.#firsts.splice(l + 1, 0, right[0]);
    }
  }

  /** Removes a key from the leaves, if there (a key still in the write buffer is not). */
  #unindex(s: string): void {
    if (this.#leaves.length === 0) return;
    const l = this.#leafFor(s);
    const leaf = this.#leaves[l];
    const at = lowerBound(leaf, s);
    if (leaf[at] !== s) return;
    leaf.splice(at, 1);
    if (leaf.length === 0) {
      this.#leaves.splice(l, 1);
      this.#firsts.splice(l, 1);
    } else if (at === 0) {
      this.#firsts[l] = leaf[0];
    }
  }

  #charge(delta: number, key: string): void {
    if (this.#bytes + delta > this.bytesMax) throw this.#full(this.#bytes + delta, key.length);
    this.#bytes += delta;
  }

  #full(wanted: number, keyBytes?: number): RivuletError {
    return new RivuletError("store_full", `store "${this.name}" would hold ${wanted} bytes, past its limit of ${this.bytesMax} bytes (processorStoreBytesMax or the store's memoryLimitBytes)`, {
      store: this.name,
      limit: "processorStoreBytesMax",
      bytesMax: this.bytesMax,
      keyBytes,
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
