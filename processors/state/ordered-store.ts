/**
 * `OrderedStore`: a task's in-memory key-value store, keys in unsigned byte order, as the
 * {@link KeyValueStore} of processors/task-contract.ts.
 *
 * Structure: a list of leaves, each two parallel sorted arrays (keys, values) of at most
 * {@link LEAF_ENTRIES_MAX} entries, plus each leaf's first key. A lookup is a binary search over
 * the leaves' first keys, then one inside the leaf; an insert shifts at most one leaf's arrays
 * and splits a full leaf in two. With 1,000,000 keys that is ~2,000 leaves: ~11 + ~9 byte
 * comparisons and a shift of ~256 slots per write, and no rebalancing tree to keep. Loading
 * entries already in order (a snapshot) fills leaves directly ({@link OrderedStore.load}).
 *
 * Memory: `bytes` counts key and value bytes; a write that would take it past the store's
 * limit (`processorStoreBytesMax`, or the topology's `memoryLimitBytes`) throws `store_full`
 * and changes nothing.
 *
 * Concurrency: not thread-safe. A store belongs to one task, and a task to one pool worker at a
 * time; the runtime never calls a task concurrently, so no locking is needed. Keys and values
 * are kept as given (not copied): callers hand over buffers they no longer change.
 */
import { RivuletError } from "../../core/errors.ts";
import type { KeyValueStore } from "../task-contract.ts";
import { compareBytes } from "./byte-order.ts";

/** Most entries in one leaf; a full leaf splits in two. */
export const LEAF_ENTRIES_MAX = 512;

interface Leaf {
  keys: Uint8Array[];
  values: Uint8Array[];
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
  #leaves: Leaf[] = [];
  /** First key of each leaf, for the outer binary search. */
  #firsts: Uint8Array[] = [];
  #size = 0;
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
    return this.#size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const leaf = this.#leaves[this.#leafFor(key)];
    if (!leaf) return undefined;
    const i = search(leaf.keys, key);
    return i >= 0 ? leaf.values[i] : undefined;
  }

  /**
   * Sets (or with `null` deletes) a key.
   *
   * @throws {RivuletError} `store_full` when the write would pass `bytesMax`
   */
  put(key: Uint8Array, value: Uint8Array | null): void {
    if (this.#leaves.length === 0) {
      if (value === null) return;
      this.#charge(key.length + value.length, key);
      this.#leaves.push({ keys: [key], values: [value] });
      this.#firsts.push(key);
      this.#size = 1;
      return;
    }
    const l = this.#leafFor(key);
    const leaf = this.#leaves[l];
    const i = search(leaf.keys, key);
    if (i >= 0) {
      const old = leaf.values[i];
      if (value === null) {
        this.#bytes -= leaf.keys[i].length + old.length;
        leaf.keys.splice(i, 1);
        leaf.values.splice(i, 1);
        this.#size--;
        if (leaf.keys.length === 0) {
          this.#leaves.splice(l, 1);
          this.#firsts.splice(l, 1);
        } else if (i === 0) {
          this.#firsts[l] = leaf.keys[0];
        }
        return;
      }
      this.#charge(value.length - old.length, key);
      leaf.values[i] = value;
      return;
    }
    if (value === null) return;
    this.#charge(key.length + value.length, key);
    const at = -i - 1;
    leaf.keys.splice(at, 0, key);
    leaf.values.splice(at, 0, value);
    this.#size++;
    if (at === 0) this.#firsts[l] = key;
    if (leaf.keys.length > LEAF_ENTRIES_MAX) this.#split(l);
  }

  /** Entries with `from <= key < to` in key order; writes during the iteration are not allowed. */
  *range(from?: Uint8Array, to?: Uint8Array): Iterable<[Uint8Array, Uint8Array]> {
    let l = from ? this.#leafFor(from) : 0;
    let i = 0;
    if (from && this.#leaves[l]) {
      const found = search(this.#leaves[l].keys, from);
      i = found >= 0 ? found : -found - 1;
    }
    for (; l < this.#leaves.length; l++, i = 0) {
      const leaf = this.#leaves[l];
      for (; i < leaf.keys.length; i++) {
        if (to && compareBytes(leaf.keys[i], to) >= 0) return;
        yield [leaf.keys[i], leaf.values[i]];
      }
    }
  }

  /** Removes every entry. */
  clear(): void {
    this.#leaves = [];
    this.#firsts = [];
    this.#size = 0;
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
    for (let i = 0; i < keys.length; i++) {
      if (i > 0 && compareBytes(keys[i - 1], keys[i]) >= 0) throw new RivuletError("corrupt_record", `store "${this.name}": loaded keys are not in increasing order at entry ${i}`, { store: this.name });
      bytes += keys[i].length + values[i].length;
    }
    if (bytes > this.bytesMax) throw this.#full(bytes);
    const half = LEAF_ENTRIES_MAX >>> 1;
    for (let start = 0; start < keys.length; start += half) {
      const leaf = { keys: keys.slice(start, start + half), values: values.slice(start, start + half) };
      this.#leaves.push(leaf);
      this.#firsts.push(leaf.keys[0]);
    }
    this.#size = keys.length;
    this.#bytes = bytes;
  }

  /** Index of the leaf that holds (or would hold) `key`: the last leaf whose first key is ≤ it. */
  #leafFor(key: Uint8Array): number {
    const firsts = this.#firsts;
    let lo = 0;
    let hi = firsts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (compareBytes(firsts[mid], key) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  #split(l: number): void {
    const leaf = this.#leaves[l];
    const half = leaf.keys.length >>> 1;
    const right = { keys: leaf.keys.splice(half), values: leaf.values.splice(half) };
    this.#leaves.splice(l + 1, 0, right);
    this.#firsts.splice(l + 1, 0, right.keys[0]);
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

/** Binary search: the index of `key`, or `-(insertion point) - 1` when absent. */
function search(keys: Uint8Array[], key: Uint8Array): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareBytes(keys[mid], key);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}
