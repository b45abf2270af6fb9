/**
 * FIFO async locks by key: `run(key, fn)` runs `fn` after every earlier `run` of the same key
 * has settled. Idle keys hold no memory.
 *
 * Not thread-safe: main thread only.
 */

/**
 * Serializes async work per key.
 *
 * @example
 * ```ts
 * const locks = new KeyedLock();
 * await locks.run("/v1/stream/a", async () => appendInOrder());
 * ```
 */
export class KeyedLock {
  #tails = new Map<string, Promise<unknown>>();

  /**
   * Runs `fn` once `key` is free.
   *
   * @param key what to serialize on
   * @param fn the critical section
   * @returns what `fn` returns
   */
  run<T>(key: string, fn: () => Promise<T> | T): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn, fn);
    const tail = result.then(() => {}, () => {});
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** True while `key` has work queued or running. */
  has(key: string): boolean {
    return this.#tails.has(key);
  }

  /** Resolves once the work queued now, of every key, has settled (never rejects). */
  async settled(): Promise<void> {
    await Promise.all([...this.#tails.values()]);
  }

  /** Keys with work queued or running. */
  get size(): number {
    return this.#tails.size;
  }
}
