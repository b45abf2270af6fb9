import { RivuletError } from "../core/errors.ts";

/**
 * How an actor's messages are delivered:
 * - `serial`: the next message only after the previous `receive`'s promise settled;
 * - `pipelined`: the next message as soon as the previous `receive` call returned (its synchronous
 *   part ran); each answer still waits for its own promise. For actors that write synchronously
 *   and acknowledge after a shared group commit.
 */
export type DispatchMode = "serial" | "pipelined";

interface Job {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs an actor's `receive` calls in arrival order under a {@link DispatchMode}. Never calls
 * `receive` re-entrantly: delivery starts in a microtask, so an actor may `tell` itself.
 * Not thread-safe (one per actor incarnation).
 *
 * @example
 * ```ts
 * const dispatcher = new Dispatcher("serial");
 * const first = dispatcher.dispatch(async () => { await sleep(5); return 1; });
 * const second = dispatcher.dispatch(() => 2); // runs after `first` settled
 * ```
 */
export class Dispatcher {
  readonly #mode: DispatchMode;
  #queue: Job[] = [];
  #draining = false;
  #closed: Error | undefined;

  /** @param mode serial or pipelined */
  constructor(mode: DispatchMode) {
    this.#mode = mode;
  }

  /**
   * Queues `run` and settles with its result once it ran.
   * @throws {RivuletError} (as a rejection) `closed` after {@link close}
   */
  dispatch<R>(run: () => R | Promise<R>): Promise<R> {
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (this.#draining) return;
      this.#draining = true;
      queueMicrotask(() => void this.#drain());
    });
  }

  /** Rejects every queued job and refuses new ones: the actor behind it is gone. */
  close(error: Error = new RivuletError("closed", "actor is gone")): void {
    this.#closed = error;
    for (const job of this.#queue.splice(0)) job.reject(error);
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#closed) {
      const job = this.#queue.shift()!;
      let result: unknown;
      try {
        result = job.run();
      } catch (error) {
        job.reject(error);
        continue;
      }
      if (this.#mode === "pipelined") {
        Promise.resolve(result).then(job.resolve, job.reject);
        continue;
      }
      try {
        job.resolve(await result);
      } catch (error) {
        job.reject(error);
      }
    }
    this.#draining = false;
  }
}
