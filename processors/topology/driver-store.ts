import type { KeyValueStore } from "../task-contract.ts";
import { compareBytes } from "./store-keys.ts";

/**
 * The TopologyTestDriver's store: a sorted array of keys beside a map for lookups. Simple and
 * exact, for tests and benchmarks of the processing itself; it has no memory limit, no
 * snapshot and no restore (the runtime uses processors/state/ for those). Not thread-safe.
 */
export class DriverStore implements KeyValueStore {
  readonly name: string;
  #keys: Uint8Array[] = [];
  #values = new Map<string, Uint8Array>();
  #bytes = 0;

  constructor(name: string) {
    this.name = name;
  }

  get size(): number {
    return this.#keys.length;
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
      this.#keys.splice(this.#search(key), 1);
      this.#bytes -= key.length + previous.length;
      return;
    }
    const copy = value.slice();
    this.#values.set(id, copy);
    if (previous === undefined) {
      this.#keys.splice(this.#search(key), 0, key.slice());
      this.#bytes += key.length + copy.length;
    } else {
      this.#bytes += copy.length - previous.length;
    }
  }

  *range(from?: Uint8Array, to?: Uint8Array): Iterable<[Uint8Array, Uint8Array]> {
    // Iterate over a snapshot of the keys in range: callers may write while iterating.
    const start = from === undefined ? 0 : this.#search(from);
    const end = to === undefined ? this.#keys.length : this.#search(to);
    const keys = this.#keys.slice(start, end);
    for (const key of keys) {
      const value = this.#values.get(text(key));
      if (value !== undefined) yield [key, value];
    }
  }

  /** The index of the first key ≥ `key`. */
  #search(key: Uint8Array): number {
    let lo = 0;
    let hi = this.#keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(this.#keys[mid], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** A map key for bytes: one UTF-16 unit per byte, so equal bytes give equal strings. */
function text(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]);
  return out;
}
