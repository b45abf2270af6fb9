/**
 * `KeyIndex`: a hash table from a store's keys (binary strings, one code unit per byte: see
 * ordered-store.ts) to numbered entries, each holding one slot value. A key is found by its
 * string or straight from its bytes in a buffer, so a changelog replay makes a string only for
 * a key the store does not hold yet, and hashes with a few multiplications per byte instead of
 * the engine's string hash: a `Map` from fresh key strings spent ~550 CPU-ms per 1,000,000 new
 * keys on the benchmark machine (hashing, growth), this ~250.
 *
 * Layout: open addressing with linear probing in an Int32Array of entry numbers (-1 empty), at
 * most half full, doubled when it would pass that; each entry's hash is kept so growth never
 * rehashes a key. A removed entry's table cell is closed by shifting later cells of its probe
 * run back (no tombstones), and its number is reused. The hash is seeded per process, so which
 * keys collide differs from one run to the next.
 *
 * Concurrency: not thread-safe; owned by one store.
 */

/** Per-process seed of the key hash. */
const SEED = (Math.random() * 0x100000000) | 0;

/** The final mix of the key hash (spreads every input bit over the low bits the table uses). */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Hash of the key `bytes[from, to)`; equal to {@link hashString} of its binary string. */
export function hashBytes(bytes: Uint8Array, from: number, to: number): number {
  let h = SEED ^ (to - from);
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return mix(h);
}

/** Hash of a binary key string. */
export function hashString(key: string): number {
  let h = SEED ^ key.length;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return mix(h);
}

function sameKey(key: string, bytes: Uint8Array, from: number, to: number): boolean {
  if (key.length !== to - from) return false;
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) !== bytes[from + i]) return false;
  return true;
}

const TABLE_CELLS_MIN = 1024;

/**
 * @example
 * ```ts
 * const index = new KeyIndex<number>();
 * const entry = index.add("alice", 1);
 * index.find("alice"); // entry
 * index.slots[entry]; // 1
 * ```
 */
export class KeyIndex<T> {
  /** Entry → key ("" once removed). */
  readonly keys: string[] = [];
  /** Entry → slot value (undefined once removed). */
  readonly slots: (T | undefined)[] = [];
  #hashes = new Int32Array(TABLE_CELLS_MIN >>> 1);
  #table = new Int32Array(TABLE_CELLS_MIN).fill(-1);
  #free: number[] = [];
  #size = 0;

  /** Keys held. */
  get size(): number {
    return this.#size;
  }

  /** The entry of `key`; -1 when absent. */
  find(key: string): number {
    const table = this.#table;
    const mask = table.length - 1;
    const hash = hashString(key);
    for (let cell = hash & mask; ; cell = (cell + 1) & mask) {
      const entry = table[cell];
      if (entry < 0) return -1;
      if (this.#hashes[entry] === hash && this.keys[entry] === key) return entry;
    }
  }

  /** The entry of the key `bytes[from, to)` (read as one code unit per byte); -1 when absent. */
  findBytes(bytes: Uint8Array, from: number, to: number): number {
    const table = this.#table;
    const mask = table.length - 1;
    const hash = hashBytes(bytes, from, to);
    for (let cell = hash & mask; ; cell = (cell + 1) & mask) {
      const entry = table[cell];
      if (entry < 0) return -1;
      if (this.#hashes[entry] === hash && sameKey(this.keys[entry], bytes, from, to)) return entry;
    }
  }

  /** Adds a key that is absent (the caller has checked); returns its entry. */
  add(key: string, slot: T): number {
    if (2 * (this.#size + 1) > this.#table.length) this.#grow();
    const hash = hashString(key);
    const entry = this.#free.length > 0 ? this.#free.pop()! : this.keys.length;
    if (entry === this.keys.length) {
      this.keys.push(key);
      this.slots.push(slot);
      if (entry >= this.#hashes.length) {
        const hashes = new Int32Array(2 * this.#hashes.length);
        hashes.set(this.#hashes);
        this.#hashes = hashes;
      }
    } else {
      this.keys[entry] = key;
      this.slots[entry] = slot;
    }
    this.#hashes[entry] = hash;
    this.#place(entry, hash);
    this.#size++;
    return entry;
  }

  /** Removes an entry (from {@link find}); its number may be reused by the next {@link add}. */
  remove(entry: number): void {
    const table = this.#table;
    const mask = table.length - 1;
    let cell = this.#hashes[entry] & mask;
    while (table[cell] !== entry) cell = (cell + 1) & mask;
    // Backward shift: move up every later cell of the run whose home is not between the hole and it.
    let hole = cell;
    for (let next = (hole + 1) & mask; table[next] >= 0; next = (next + 1) & mask) {
      const home = this.#hashes[table[next]] & mask;
      if (((next - home) & mask) >= ((next - hole) & mask)) {
        table[hole] = table[next];
        hole = next;
      }
    }
    table[hole] = -1;
    this.keys[entry] = "";
    this.slots[entry] = undefined;
    this.#free.push(entry);
    this.#size--;
  }

  /** Removes every key. */
  clear(): void {
    this.keys.length = 0;
    this.slots.length = 0;
    this.#hashes = new Int32Array(TABLE_CELLS_MIN >>> 1);
    this.#table = new Int32Array(TABLE_CELLS_MIN).fill(-1);
    this.#free = [];
    this.#size = 0;
  }

  #place(entry: number, hash: number): void {
    const table = this.#table;
    const mask = table.length - 1;
    let cell = hash & mask;
    while (table[cell] >= 0) cell = (cell + 1) & mask;
    table[cell] = entry;
  }

  #grow(): void {
    this.#table = new Int32Array(2 * this.#table.length).fill(-1);
    for (let entry = 0; entry < this.keys.length; entry++) if (this.slots[entry] !== undefined) this.#place(entry, this.#hashes[entry]);
  }
}
