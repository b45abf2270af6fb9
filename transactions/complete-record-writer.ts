/**
 * The Complete* records of a transaction coordinator, written behind and late.
 *
 * Complete* is visible at once and written without waiting: everything it records (the
 * markers, the offsets) is durable already, and it only spares a recovery from completing the
 * transaction again (which writes the same markers and offsets). This took one flush off every
 * transaction's critical path (profile of bench/transactions.ts: a transaction was five
 * flushes one after another).
 *
 * It is also written late, `delayMs` (`transactionCompleteWriteDelayMs`) after the markers, and
 * not at all when the id changes again before (a producer's next transaction starts at once):
 * the next record of the id supersedes it, as compaction would, and carries everything it says
 * (the next state is made from the completed one). Written at once, it took its own flush just
 * before the next transaction's Ongoing record, which then waited for two (profile: Ongoing
 * 2.0 ms against 1.2 ms for PrepareCommit). Lost or never written (a crash, a deposed
 * coordinator), the stored Prepare* is completed again on the next load, as Kafka recovers a
 * CompleteCommit it never flushed.
 *
 * Contract: owned by one TransactionCoordinator, which calls {@link CompleteRecordWriter.supersede}
 * before writing any other record of an id. Write failures are dropped (the next load completes
 * again). Not thread-safe: it lives on the broker's event loop.
 */
import type { TimerHandle, Timers } from "../groups/group-timers.ts";
import type { TransactionStore } from "./transaction-log.ts";
import type { TransactionMetadata } from "./transaction-metadata.ts";

/**
 * Holds each id's latest Complete* record for `delayMs`, then writes it unless superseded.
 *
 * @example
 * ```ts
 * const completes = new CompleteRecordWriter(store, timers, limits.transactionCompleteWriteDelayMs);
 * completes.writeLater(completed);       // markers and offsets written: Complete* may wait
 * completes.supersede(id);               // the id's next record takes its place
 * await completes.close();
 * ```
 */
export class CompleteRecordWriter {
  #store: TransactionStore;
  #timers: Timers;
  #delayMs: number;
  /** Records sent to the store, awaited by close. */
  #behind = new Set<Promise<void>>();
  /** By id: a record not sent to the store yet, and the timer that sends it. */
  #unwritten = new Map<string, { meta: TransactionMetadata; timer: TimerHandle }>();

  constructor(store: TransactionStore, timers: Timers, delayMs: number) {
    this.#store = store;
    this.#timers = timers;
    this.#delayMs = delayMs;
  }

  /** Writes the Complete* record `meta` after the delay, unless the id's next record supersedes it first (so does this one an earlier one). */
  writeLater(meta: TransactionMetadata): void {
    const id = meta.transactionalId;
    this.supersede(id);
    const timer = this.#timers.set(() => {
      if (this.#unwritten.get(id)?.meta !== meta) return;
      this.#unwritten.delete(id);
      this.#send(meta);
    }, this.#delayMs);
    this.#unwritten.set(id, { meta, timer });
  }

  /** The id's unwritten Complete* record, if any, is not written: a later record of the id takes its place. */
  supersede(id: string): void {
    const held = this.#unwritten.get(id);
    if (!held) return;
    this.#timers.cancel(held.timer);
    this.#unwritten.delete(id);
  }

  /**
   * Drops the records not written yet and waits for those sent. The dropped ones are left to the
   * next load, which completes their transactions again: a coordinator closed because it lost
   * its partition could not write them (its producer would retry the lost leadership until its
   * delivery timeout, holding close up).
   */
  async close(): Promise<void> {
    for (const { timer } of this.#unwritten.values()) this.#timers.cancel(timer);
    this.#unwritten.clear();
    await Promise.all([...this.#behind]);
  }

  /** Writes a record without waiting for it (close awaits it). */
  #send(meta: TransactionMetadata): void {
    const written = this.#store.write([meta]).catch(() => {});
    this.#behind.add(written);
    void written.then(() => this.#behind.delete(written));
  }
}
