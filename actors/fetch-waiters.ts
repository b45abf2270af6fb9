/**
 * Fetches a partition holds open because nothing was there to read yet (Kafka's delayed fetch):
 * each waits until what its reader may see passes its offset — the high watermark, the last
 * stable offset under read_committed, or for a follower the log end — then is answered by the
 * partition's read function; or, at its timeout, with whatever is there (often nothing).
 *
 * The partition tells it when those ends move ({@link wake}, {@link wakeFollowers}) and answers
 * them early when the log is cut, the role changes, the caller gives up or the broker closes.
 * Bounded by the fetches in flight to the partition and by `fetchWaitMsMax` per fetch.
 *
 * Not thread-safe: owned by one partition actor.
 */
import type { FetchBatchesResult, Isolation } from "./partition-protocol.ts";

/** Reads for a waiting fetch, as the partition reads for any fetch. */
export type FetchRead = (offset: number, maxBytes: number, follower: boolean, isolation: Isolation) => FetchBatchesResult;

interface Waiter {
  /** The caller's id for cancelling, or 0. */
  fetchId: number;
  offset: number;
  maxBytes: number;
  isolation: Isolation;
  /** A follower's fetch: reads up to the log end, not the high watermark. */
  follower: boolean;
  resolve(result: FetchBatchesResult): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

export class FetchWaiters {
  /** Waiting fetches by an id of this partition's own. */
  #waiters = new Map<number, Waiter>();
  #nextKey = 1;
  #read: FetchRead;

  /** @param read answers a fetch once it is woken (its errors reject the fetch) */
  constructor(read: FetchRead) {
    this.#read = read;
  }

  get size(): number {
    return this.#waiters.size;
  }

  /** A fetch from `offset` answered when woken, when ended early, or after `waitMs`. */
  wait(fetchId: number, offset: number, maxBytes: number, isolation: Isolation, follower: boolean, waitMs: number): Promise<FetchBatchesResult> {
    return new Promise((resolve, reject) => {
      const key = this.#nextKey++;
      const waiter: Waiter = {
        fetchId,
        offset,
        maxBytes,
        isolation,
        follower,
        resolve,
        reject,
        timer: setTimeout(() => this.#settle(key, waiter), waitMs),
      };
      this.#waiters.set(key, waiter);
    });
  }

  /** Answers every fetch its reader's end has passed: the log end for a follower, else the last stable offset (read_committed) or the high watermark. */
  wake(highWatermark: number, lastStableOffset: number, logEndOffset: number): void {
    for (const [key, waiter] of this.#waiters) {
      if (waiter.offset < (waiter.follower ? logEndOffset : waiter.isolation === "read_committed" ? lastStableOffset : highWatermark)) this.#settle(key, waiter);
    }
  }

  /** Answers every follower's fetch below `logEndOffset` (followers read what is written before it is durable). */
  wakeFollowers(logEndOffset: number): void {
    for (const [key, waiter] of this.#waiters) if (waiter.follower && waiter.offset < logEndOffset) this.#settle(key, waiter);
  }

  /** Answers now, with what is there, every fetch past `logEndOffset` (the log was cut). */
  settlePast(logEndOffset: number): void {
    for (const [key, waiter] of this.#waiters) if (waiter.offset > logEndOffset) this.#settle(key, waiter);
  }

  /** Answers the fetch `fetchId` now, with what is there. */
  cancel(fetchId: number): void {
    for (const [key, waiter] of this.#waiters) if (waiter.fetchId === fetchId) this.#settle(key, waiter);
  }

  /** Answers every fetch now, with what is there. */
  settleAll(): void {
    for (const [key, waiter] of this.#waiters) this.#settle(key, waiter);
  }

  /** Answers every fetch with no batches and the given offsets, without reading (the partition is closing). */
  closeAll(ends: Pick<FetchBatchesResult, "highWatermark" | "lastStableOffset" | "logStartOffset">): void {
    for (const waiter of this.#waiters.values()) {
      clearTimeout(waiter.timer);
      waiter.resolve({
        batches: new Uint8Array(0),
        offset: waiter.offset,
        highWatermark: ends.highWatermark,
        lastStableOffset: ends.lastStableOffset,
        logStartOffset: ends.logStartOffset,
        abortedTransactions: [],
      });
    }
    this.#waiters.clear();
  }

  #settle(key: number, waiter: Waiter): void {
    if (this.#waiters.get(key) !== waiter) return;
    this.#waiters.delete(key);
    clearTimeout(waiter.timer);
    try {
      waiter.resolve(this.#read(waiter.offset, waiter.maxBytes, waiter.follower, waiter.isolation));
    } catch (error) {
      waiter.reject(error);
    }
  }
}
