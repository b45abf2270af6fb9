/**
 * The lag history of one group-partition at a fixed resolution: at most `capacity` samples,
 * one per interval slot, oldest dropped first. Three parallel typed arrays used as a ring, so
 * a series costs 24 bytes per sample whatever its age. Not thread-safe (main thread only).
 */

/** One sample: the slot's start time, lag in records, lag in seconds (null: not measured). */
export type LagSample = [timeMs: number, records: number, seconds: number | null];

/** One group-partition's lag samples, a ring of fixed capacity. */
export class LagSeries {
  readonly #times: Float64Array;
  readonly #records: Float64Array;
  readonly #seconds: Float64Array;
  /** Index of the oldest sample. */
  #head = 0;
  #size = 0;

  /** @param capacity most samples kept (`consoleLagSamplesMax`) */
  constructor(capacity: number) {
    if (!(Number.isSafeInteger(capacity) && capacity > 0)) throw new TypeError(`capacity must be a positive integer, got ${capacity}`);
    this.#times = new Float64Array(capacity);
    this.#records = new Float64Array(capacity);
    this.#seconds = new Float64Array(capacity);
  }

  /** Samples held. */
  get size(): number {
    return this.#size;
  }

  /** Time of the newest sample, or -Infinity when empty. */
  get newestMs(): number {
    return this.#size === 0 ? -Infinity : this.#times[(this.#head + this.#size - 1) % this.#times.length];
  }

  /**
   * Records the sample of slot `timeMs`; a second sample for the newest slot replaces it, and a
   * sample older than the newest is ignored (time never runs backwards in a chart).
   */
  add(timeMs: number, records: number, seconds: number | null): void {
    const capacity = this.#times.length;
    const newest = this.newestMs;
    if (timeMs < newest) return;
    let at: number;
    if (timeMs === newest) at = (this.#head + this.#size - 1) % capacity;
    else if (this.#size < capacity) at = (this.#head + this.#size++) % capacity;
    else {
      at = this.#head;
      this.#head = (this.#head + 1) % capacity;
    }
    this.#times[at] = timeMs;
    this.#records[at] = records;
    this.#seconds[at] = seconds ?? Number.NaN;
  }

  /** The samples, oldest first. */
  samples(): LagSample[] {
    const out: LagSample[] = [];
    for (let i = 0; i < this.#size; i++) {
      const at = (this.#head + i) % this.#times.length;
      const seconds = this.#seconds[at];
      out.push([this.#times[at], this.#records[at], Number.isNaN(seconds) ? null : seconds]);
    }
    return out;
  }
}
