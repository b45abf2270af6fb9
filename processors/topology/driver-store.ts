import type { KeyValueStore } from "../task-contract.ts";

/** Keys per chunk of the sorted key list before it splits in two. */
const chunkKeysMax = 512;

/**
 * The TopologyTestDriver's store: a map for lookups beside the keys in order, kept as a list
 * of sorted chunks (at most 512 keys each) so an insert moves a few hundred references, not the
 * whole store. Keys are held as strings of one UTF-16 unit per byte: JavaScript compares those
 * unit by unit, which is exactly unsigned byte order, and far faster than a byte loop. Exact and simple, for tests and benchmarks of the processing itself: no memory
 * limit, no snapshot, no restore (the runtime uses processors/state/ for those). Not thread-safe.
 */
export class DriverStore implements KeyValueStore {
  readonly name: string;
  #chunks: string[][] = [];
  #entries = new Map<string, [Uint8Array, Uint8Array]>();
  #bytes = 0;

  constructor(name: string) {
    this.name = name;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#entries.get(text(key))?.[1];
  }

  put(key: Uint8Array, value: Uint8Array | null): void {
    const id = text(key);
    const previous = this.#entries.get(id);
    if (value === null) {
      if (previous === undefined) return;
      this.#entries.delete(id);
      this.#remove(id);
      this.#bytes -= key.length + previous[1].length;
      return;
    }
    const copy = value.slice();
    if (previous === undefined) {
      this.#entries.set(id, [key.slice(), copy]);
      this.#insert(id);
      this.#bytes += key.length + copy.length;
    } else {
      this.#bytes += copy.length - previous[1].length;
      previous[1] = copy;
    }
  }

  *range(from?: Uint8Array, to?: Uint8Array): Iterable<[Uint8Array, Uint8Array]> {
    // Collect the keys first: callers may write to the store while iterating.
    const end = to === undefined ? undefined : text(to);
    const ids: string[] = [];
    let [c, i] = from === undefined ? [0, 0] : this.#locate(text(from));
    for (; c < this.#chunks.length; c++, i = 0) {
      const chunk = this.#chunks[c];
      for (; i < chunk.length; i++) {
        if (end !== undefined && chunk[i] >= end) {
          c = this.#chunks.length;
          break;
        }
        ids.push(chunk[i]);
      }
    }
    for (const id of ids) {
      const entry = this.#entries.get(id);
      if (entry !== undefined) yield [entry[0], entry[1]];
    }
  }

  #insert(key: string): void {
    if (this.#chunks.length === 0) {
      this.#chunks.push([key]);
      return;
    }
    let [c, i] = this.#locate(key);
    if (c === this.#chunks.length) {
      c--;
      i = this.#chunks[c].length;
    }
    const chunk = this.#chunks[c];
    chunk.splice(i, 0, key);
    if (chunk.length > chunkKeysMax) this.#chunks.splice(c + 1, 0, chunk.splice(chunk.length >> 1));
  }

  #remove(key: string): void {
    const [c, i] = this.#locate(key);
    const chunk = this.#chunks[c];
    chunk.splice(i, 1);
    if (chunk.length === 0) this.#chunks.splice(c, 1);
  }

  /** The chunk and index of the first key ≥ `key` (chunk = chunks.length when none is). */
  #locate(key: string): [number, number] {
    const chunks = this.#chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = chunks[mid];
      if (chunk[chunk.length - 1] < key) lo = mid + 1;
      else hi = mid;
    }
    if (lo === chunks.length) return [lo, 0];
    const chunk = chunks[lo];
    let a = 0;
    let b = chunk.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (chunk[mid] < key) a = mid + 1;
      else b = mid;
    }
    return [lo, a];
  }
}

/** A map key for bytes: one UTF-16 unit per byte, so equal bytes give equal strings. */
function text(bytes: Uint8Array): string {
  return bytes.length <= 64 ? String.fromCharCode.apply(null, bytes as unknown as number[]) : longText(bytes);
}

function longText(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  return out;
}
