/**
 * Record-block builders a producer reuses between calls. Each `sendBatch` lays its records out
 * in one builder per partition; allocating four typed arrays per partition per call (and
 * sweeping them afterwards) was a visible share of the producer's CPU. A builder comes back
 * once the batch holding its last records is answered: its bytes were copied into an arena
 * when packed, and nothing reads the builder after that answer (a retry re-packs from it, so
 * not before).
 *
 * Not thread-safe: one per producer, on the producer's thread.
 */
import { RecordBlockBuilder } from "../record/record-block.ts";

/** Bytes per record a fresh builder is sized for. */
const EXPECTED_RECORD_BYTES = 128;

export class BuilderPool {
  #free: RecordBlockBuilder[] = [];
  #freeBytes = 0;
  readonly #bytesMax: number;

  /** @param bytesMax most bytes of free builders kept for reuse */
  constructor(bytesMax: number) {
    this.#bytesMax = bytesMax;
  }

  /** An empty builder (grown as records are written), owned by the caller until {@link give}n back. */
  take(expectedRecords: number): RecordBlockBuilder {
    const builder = this.#free.pop();
    if (builder === undefined) return new RecordBlockBuilder(expectedRecords, expectedRecords * EXPECTED_RECORD_BYTES);
    this.#freeBytes -= builder.capacityBytes;
    return builder;
  }

  /** Returns a builder nobody reads any more; kept, emptied, if the pool has room. */
  give(builder: RecordBlockBuilder): void {
    const bytes = builder.capacityBytes;
    if (this.#freeBytes + bytes > this.#bytesMax) return;
    builder.reset();
    this.#free.push(builder);
    this.#freeBytes += bytes;
  }

  /** Bytes of free builders held. */
  get freeBytes(): number {
    return this.#freeBytes;
  }
}
