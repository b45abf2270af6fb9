/**
 * The last stable offset's memory of decided-but-not-yet-stable transactions: under
 * `flush=always` a transaction ended by a marker still holds the last stable offset until the
 * high watermark passes its marker (the marker is not durable before that). Ongoing
 * transactions are producer state's (`ProducerState.firstUnstableOffset`); this holds the rest,
 * in marker order. Nothing of it is on disk: a reopened log's high watermark is its end, so no
 * transaction is undecided then.
 *
 * Not thread-safe: owned by one log, so by one partition actor.
 */
interface Undecided {
  firstOffset: number;
  markerOffset: number;
}

export class UndecidedTransactions {
  /** In marker order. */
  #txns: Undecided[] = [];

  /** A marker at `markerOffset` (written, not yet durable) ended the transaction starting at `firstOffset`. */
  ended(firstOffset: number, markerOffset: number): void {
    this.#txns.push({ firstOffset, markerOffset });
  }

  /**
   * min(first offset of every transaction not yet decided, `highWatermark`): `firstUnstableOffset`
   * (the first ongoing one's, if any) and those whose marker the high watermark has not passed
   * (the others are forgotten).
   */
  lastStableOffset(highWatermark: number, firstUnstableOffset: number | undefined): number {
    const txns = this.#txns;
    while (txns.length > 0 && txns[0].markerOffset < highWatermark) txns.shift();
    let lso = Math.min(highWatermark, firstUnstableOffset ?? highWatermark);
    for (const txn of txns) lso = Math.min(lso, txn.firstOffset);
    return lso;
  }

  /** The log was cut at `logEndOffset`: markers at or past it are gone. */
  truncate(logEndOffset: number): void {
    this.#txns = this.#txns.filter((t) => t.markerOffset < logEndOffset);
  }

  /** The log was emptied. */
  clear(): void {
    this.#txns = [];
  }
}
