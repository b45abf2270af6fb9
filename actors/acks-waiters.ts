/**
 * acks=all writes a replicated leader has appended and not yet acknowledged: each waits until
 * the high watermark passes its last offset (Kafka's delayed produce,
 * `checkEnoughReplicasReachOffset`). Then, if the ISR in force is smaller than
 * `min.insync.replicas`, it fails with `not_enough_replicas_after_append` (the records are in
 * the log but fewer replicas hold them than the producer asked for), else it resolves.
 *
 * Bounded by the writes in flight to the partition (the partition's mailbox) and by a timeout
 * per write, after which it fails with the retriable `timeout`.
 *
 * Not thread-safe: owned by one partition actor.
 */
import { RivuletError } from "../core/errors.ts";

interface Waiter<T> {
  lastOffset: number;
  result: T;
  resolve(result: T): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

export class AcksWaiters<T> {
  #waiters = new Set<Waiter<T>>();

  get size(): number {
    return this.#waiters.size;
  }

  /** A promise settled by {@link advance} once the high watermark passes `lastOffset`, or by the timeout. */
  wait(lastOffset: number, result: T, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        lastOffset,
        result,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(new RivuletError("timeout", `the write ending at offset ${lastOffset} was not replicated to the in-sync replicas within ${timeoutMs} ms`, { offset: lastOffset }));
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  /** Settles every write below `highWatermark`: resolved when `enoughReplicas`, else failed with `not_enough_replicas_after_append`. */
  advance(highWatermark: number, enoughReplicas: () => RivuletError | null): void {
    if (this.#waiters.size === 0) return;
    let problem: RivuletError | null | undefined;
    for (const waiter of this.#waiters) {
      if (waiter.lastOffset >= highWatermark) continue;
      problem ??= enoughReplicas();
      this.#waiters.delete(waiter);
      clearTimeout(waiter.timer);
      if (problem) waiter.reject(problem);
      else waiter.resolve(waiter.result);
    }
  }

  /** Fails every waiting write with `error` (leadership lost, partition closed). */
  failAll(error: RivuletError): void {
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.#waiters.clear();
  }
}
