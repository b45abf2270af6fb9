/**
 * Read-ahead for catch-up readers: when a read stops short of the tail, the next range is
 * fetched at once, so the broker's read of it overlaps the client's transfer and parsing of the
 * current one. One range per stream, kept for a short while, and at most `dsReadAheadBytesMax`
 * bytes of budget across all streams (each read-ahead counts its full `dsReadBytesMax`). The
 * data below a stream's tail never changes, so a prefetched range stays correct; answers still
 * compute Stream-Up-To-Date and closure from the stream's state when they are sent.
 *
 * Not thread-safe: main thread only.
 */
import type { BrokerApi } from "../broker/types.ts";
import { readStream, type ReadResult } from "./stream-reader.ts";
import type { StreamState } from "./stream-state.ts";

/** How long an unused read-ahead is kept. */
const KEEP_MS = 2_000;

interface Slot {
  offset: number;
  result: Promise<ReadResult>;
  timer: ReturnType<typeof setTimeout>;
}

/** Prefetched next ranges of catch-up reads. */
export class ReadAhead {
  #slots = new Map<StreamState, Slot>();
  #broker: BrokerApi;
  #readBytesMax: number;
  #slotsMax: number;

  /**
   * @param broker where the streams' topics live
   * @param readBytesMax bytes one read carries
   * @param budgetBytes bytes all read-aheads may hold together
   */
  constructor(broker: BrokerApi, readBytesMax: number, budgetBytes: number) {
    this.#broker = broker;
    this.#readBytesMax = readBytesMax;
    this.#slotsMax = Math.floor(budgetBytes / readBytesMax);
  }

  /** The prefetched read of `state` at `offset`, if there is one (taken: it is not kept). */
  take(state: StreamState, offset: number): Promise<ReadResult> | null {
    const slot = this.#slots.get(state);
    if (!slot || slot.offset !== offset) return null;
    this.#drop(state, slot);
    return slot.result;
  }

  /** Starts reading `state` from `offset` in the background, budget allowing. */
  start(state: StreamState, offset: number): void {
    const old = this.#slots.get(state);
    if (old) this.#drop(state, old);
    if (this.#slots.size >= this.#slotsMax || state.gone) return;
    const result = readStream(this.#broker, state, offset, { maxBytes: this.#readBytesMax });
    result.catch(() => {});
    const slot: Slot = { offset, result, timer: setTimeout(() => this.#drop(state, slot), KEEP_MS) };
    (slot.timer as { unref?: () => void }).unref?.();
    this.#slots.set(state, slot);
  }

  #drop(state: StreamState, slot: Slot): void {
    clearTimeout(slot.timer);
    if (this.#slots.get(state) === slot) this.#slots.delete(state);
  }
}
