import type { KeyValueStore } from "../task-contract.ts";
import { compareBytes } from "./store-keys.ts";

/** Keys per chunk of the sorted key list before it splits in two. */
const chunkKeysMax = 512;

/**
 * The TopologyTestDriver's store: a map for lookups beside the keys in order, kept as a list
 * of sorted chunks (at most 512 keys each) so an insert moves a few hundred references, not the
 * whole store. Exact and simple, for tests and benchmarks of the processing itself: no memory
 * limit, no snapshot, no restore (the runtime uses processors/state/ for those). Not thread-safe.
 */
export class DriverStore implements KeyValueStore {
  readonly name: string;
  #chunks: Uint8Array[][] = [];
  #values = new Map<string, Uint8Array>();
  #bytes = 0;

  constructor(name: string) {
    this.name = name;
  }

  get size(): number {
    return this.#values.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#values.get(text(key));
  }

  put(key: Uint8Array, value: Uint8Array | null): void {
    const id = text(key);
    const previous = this.#values.get(id);
    if (value === null) {
      if (previous === undefined) return;
      this.#values.delete(id);
      this.#remove(key);
      this.#bytes -= key.length + previous.length;
      return;
    }
    const copy = value.slice();
    this.#values.set(id, copy);
    if (previous === undefined) {
      this.#insert(key.slice());
      this.#bytes += key.length + copy.length;
    } else {
      this.#bytes += copy.length - previous.length;
    }
  }

  *range(from?: Uint8Array, to?: Uint8Array): Iterable<[Uint8Array, Uint8Array]> {
    // Collect the keys first: callers may write to the store while iterating.
    const keys: Uint8Array[] = [];
    let [c, i] = from === undefined ? [0, 0] : this.#locate(from);
    for (; c < this.#chunks.length; c++, i = 0) {
      const chunk = this.#chunks[c];
      for (; i < chunk.length; i++) {
        if (to !== undefined && compareBytes(chunk[i], to) >= 0) {
          c = this.#chunks.length;
          break;
        }
        keys.push(chunk[i]);
      }
    }
    for (const key of keys) {
      const value = this.#values.get(text(key));
      if (value !== undefined) yield [key, value];
    }
  }

  #insert(key: Uint8Array): void {
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

  #remove(key: Uint8Array): void {
    const [c, i] = this.#locate(key);
    const chunk = this.#chunks[c];
    chunk.splice(i, 1);
    if (chunk.length === 0) this.#chunks.splice(c, 1);
  }

  /** The chunk and index of the first key ≥ `key` (chunk = chunks.length when none is). */
  #locate(key: Uint8Array): [number, number] {
    const chunks = this.#chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = chunks[mid];
      if (compareBytes(chunk[chunk.length - 1], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === chunks.length) return [lo, 0];
    const chunk = chunks[lo];
    let a = 0;
    let b = chunk.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (compareBytes(chunk[mid], key) < 0) a = mid + 1;
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
