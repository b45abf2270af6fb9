/**
 * Runs at most `concurrency` start-ups at once, the rest in the order they were queued. A broker
 * opening on existing partitions boots their workers through one, so the booting threads leave
 * the main thread a core to load the server and listen on (see `workerBootsAtOpenMax`).
 * Not thread-safe: lives on the thread that owns the workers.
 *
 * @example
 * ```ts
 * const queue = new StartQueue(1);
 * const [a, b] = await Promise.all([queue.run(() => bootA()), queue.run(() => bootB())]); // b after a
 * ```
 */
export class StartQueue {
  readonly #concurrency: number;
  #running = 0;
  #waiting: Array<() => void> = [];

  /** @param concurrency start-ups running at once, at least 1 */
  constructor(concurrency: number) {
    if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new TypeError("concurrency must be a positive integer");
    this.#concurrency = concurrency;
  }

  /**
   * Runs `task` once fewer than `concurrency` others run.
   * @param task the start-up
   * @returns what `task` returns (or its rejection)
   */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#concurrency) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running++;
    try {
      return await task();
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }
}
