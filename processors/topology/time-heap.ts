import { compareBytes } from "./store-keys.ts";

/**
 * A binary min-heap of (time, store key): which window closes or expires next. Ties break on
 * the key bytes, so windows closing at one stream time come out in one order on every run and
 * however the input was batched. Entries may be stale (a merged session, a deleted window); the
 * caller checks the store when it pops. Not thread-safe; one per task.
 */
export class TimeHeap {
  #times: number[] = [];
  #keys: Uint8Array[] = [];

  get size(): number {
    return this.#times.length;
  }

  /** The smallest time held, or Infinity when empty. */
  peekTime(): number {
    return this.#times.length === 0 ? Infinity : this.#times[0];
  }

  push(time: number, key: Uint8Array): void {
    const times = this.#times;
    const keys = this.#keys;
    let i = times.length;
    times.push(time);
    keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(time, key, times[parent], keys[parent])) break;
      times[i] = times[parent];
      keys[i] = keys[parent];
      i = parent;
    }
    times[i] = time;
    keys[i] = key;
  }

  /** Removes the smallest entry and returns its key. The heap must not be empty. */
  pop(): Uint8Array {
    const times = this.#times;
    const keys = this.#keys;
    const top = keys[0];
    const lastTime = times.pop()!;
    const lastKey = keys.pop()!;
    const n = times.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && this.#less(times[right], keys[right], times[left], keys[left]) ? right : left;
        if (!this.#less(times[child], keys[child], lastTime, lastKey)) break;
        times[i] = times[child];
        keys[i] = keys[child];
        i = child;
      }
      times[i] = lastTime;
      keys[i] = lastKey;
    }
    return top;
  }

  #less(ta: number, ka: Uint8Array, tb: number, kb: Uint8Array): boolean {
    return ta < tb || (ta === tb && compareBytes(ka, kb) < 0);
  }
}
