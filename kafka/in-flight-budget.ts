/**
 * A byte budget shared by every Kafka connection (`kafkaInFlightBytesMax`): request bytes are
 * counted from the moment a frame is complete until its response is written. Connections stop
 * reading while the budget is spent and are told when it frees up. Not thread-safe (main thread).
 */

/** A shared count of in-flight bytes with "freed" listeners. */
export class InFlightBudget {
  readonly #bytesMax: number;
  #bytes = 0;
  readonly #listeners = new Set<() => void>();

  /** @param bytesMax the global limit */
  constructor(bytesMax: number) {
    this.#bytesMax = bytesMax;
  }

  /** Bytes in flight now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** True when no more requests should be read. */
  get exhausted(): boolean {
    return this.#bytes >= this.#bytesMax;
  }

  acquire(bytes: number): void {
    this.#bytes += bytes;
  }

  release(bytes: number): void {
    const wasExhausted = this.exhausted;
    this.#bytes -= bytes;
    if (wasExhausted && !this.exhausted) for (const listener of [...this.#listeners]) listener();
  }

  /** Calls `listener` whenever the budget goes from exhausted to available; returns an unsubscribe. */
  onFreed(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
