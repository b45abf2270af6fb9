/**
 * Shared buffers ("arenas") that a producer packs record blocks into before sending them to a
 * partition worker. Posting views of a SharedArrayBuffer costs a few µs; a fresh ArrayBuffer
 * per batch (allocated, zeroed, transferred) cost 15-80 µs per message in the benchmark, and
 * garbage besides.
 *
 * Ownership is the safety rule: an arena is taken for one batch and given back only after the
 * worker has answered that batch (it encodes the block synchronously before answering, so it no
 * longer reads it). After a failed or timed-out send the arena is dropped, never given back, as
 * the worker may still be reading it. The pool keeps at most `bytesMax` bytes of free arenas.
 *
 * Not thread-safe: one per producer, on the producer's thread.
 */

/** Smallest arena made, in bytes. */
const ARENA_BYTES_MIN = 64 * 1024;

export class BlockArenas {
  #free: SharedArrayBuffer[] = [];
  #freeBytes = 0;
  readonly #bytesMax: number;

  /** @param bytesMax most bytes of free arenas kept for reuse */
  constructor(bytesMax: number) {
    this.#bytesMax = bytesMax;
  }

  /** An arena of at least `bytes` bytes, owned by the caller until {@link give}n back. */
  take(bytes: number): SharedArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const size = this.#free[i].byteLength;
      if (size >= bytes && (best < 0 || size < this.#free[best].byteLength)) best = i;
    }
    if (best < 0) {
      let size = ARENA_BYTES_MIN;
      while (size < bytes) size *= 2;
      return new SharedArrayBuffer(size);
    }
    const arena = this.#free[best];
    this.#free[best] = this.#free[this.#free.length - 1];
    this.#free.pop();
    this.#freeBytes -= arena.byteLength;
    return arena;
  }

  /** Returns an arena nobody reads any more; kept if the pool has room, else left to GC. */
  give(arena: SharedArrayBuffer): void {
    if (this.#freeBytes + arena.byteLength > this.#bytesMax) return;
    this.#free.push(arena);
    this.#freeBytes += arena.byteLength;
  }

  /** Bytes of free arenas held. */
  get freeBytes(): number {
    return this.#freeBytes;
  }
}
