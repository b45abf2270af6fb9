import type { LogSegment } from "./log-segment.ts";

/**
 * The segments of one log, ordered by base offset; the last is the active (newest) one.
 *
 * Not thread-safe: owned by one partition actor.
 */
export class LogSegments {
  #segments: LogSegment[] = [];

  /** @param segments in ascending base-offset order, at least one */
  constructor(segments: LogSegment[]) {
    for (let i = 1; i < segments.length; i++) {
      if (segments[i].baseOffset <= segments[i - 1].baseOffset) throw new Error("assertion: segments out of order");
    }
    this.#segments = segments;
  }

  get count(): number {
    return this.#segments.length;
  }

  get first(): LogSegment {
    return this.#segments[0];
  }

  get active(): LogSegment {
    return this.#segments[this.#segments.length - 1];
  }

  /** All segments, oldest first (a copy). */
  all(): LogSegment[] {
    return [...this.#segments];
  }

  /** The segment at position `i`, oldest first. */
  at(i: number): LogSegment | undefined {
    return this.#segments[i];
  }

  /** Index of the last segment whose base offset is ≤ `offset`, or -1. */
  floorIndex(offset: number): number {
    let lo = 0;
    let hi = this.#segments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#segments[mid].baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The offset after segment `i`: the next segment's base, or `logEnd` for the active one. */
  endOffsetOf(i: number, logEnd: number): number {
    return i + 1 < this.#segments.length ? this.#segments[i + 1].baseOffset : logEnd;
  }

  /** Adds a new active segment. */
  add(segment: LogSegment): void {
    if (segment.baseOffset < this.active.nextOffset && this.active.size > 0) throw new Error("assertion: new segment overlaps the active one");
    this.#segments.push(segment);
  }

  /** Removes the oldest segment (never the active one). */
  removeFirst(): LogSegment {
    if (this.#segments.length < 2) throw new Error("assertion: cannot remove the active segment");
    return this.#segments.shift()!;
  }

  /**
   * Removes the segments whose base offset is above `baseOffset` (truncation), keeping at least
   * the first segment.
   * @returns the removed segments, newest first
   */
  removeAfter(baseOffset: number): LogSegment[] {
    const removed: LogSegment[] = [];
    while (this.#segments.length > 1 && this.active.baseOffset > baseOffset) removed.push(this.#segments.pop()!);
    return removed;
  }

  /**
   * Makes `segment` the only segment (a full truncation).
   * @returns the other segments, newest first
   */
  resetTo(segment: LogSegment): LogSegment[] {
    const others = this.#segments.filter((s) => s !== segment).reverse();
    this.#segments = [segment];
    return others;
  }

  /** Swaps in `segment` for the one with the same base offset. */
  replace(segment: LogSegment): void {
    const i = this.#segments.findIndex((s) => s.baseOffset === segment.baseOffset);
    if (i < 0) throw new Error("assertion: no segment to replace");
    this.#segments[i] = segment;
  }

  /** Bytes in all segments. */
  sizeBytes(): number {
    let total = 0;
    for (const s of this.#segments) total += s.size;
    return total;
  }
}
