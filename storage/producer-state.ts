import { RivuletError } from "../core/errors.ts";

/** Batches remembered per producer for duplicate detection, as in Kafka. */
export const PRODUCER_BATCHES_KEPT = 5;
const SEQUENCE_MAX = 0x7fffffff;

/** One remembered batch of an idempotent producer. */
export interface ProducerBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
  lastOffset: number;
}

/** What the partition knows of one producer. */
export interface ProducerEntry {
  epoch: number;
  /** The last {@link PRODUCER_BATCHES_KEPT} batches, oldest first. */
  batches: ProducerBatch[];
}

/** The batch a retried send duplicates, or undefined for a new batch. */
export type Duplicate = ProducerBatch | undefined;

/** Snapshot form (CBOR): `[producerId, epoch, [firstSeq, lastSeq, baseOffset, lastOffset][]]`. */
export type ProducerSnapshotEntry = [number, number, [number, number, number, number][]];

/**
 * Idempotent-producer state of one partition: per producer id, its epoch and its last five
 * batches' sequence and offset ranges. Checks of an append are staged in a
 * {@link ProducerAppend} and applied only when the whole append is written, so a rejected
 * append changes nothing.
 *
 * Rules (Kafka's): a lower epoch is fenced (`producer_fenced`); a higher epoch must start at
 * sequence 0; within an epoch a batch equal to a remembered one is a duplicate, and any other
 * batch must start right after the last (`out_of_order_sequence`). A producer the partition
 * does not know (new, or forgotten by retention) may start at any sequence.
 *
 * Not thread-safe: owned by one partition actor.
 */
export class ProducerState {
  #producers = new Map<number, ProducerEntry>();

  /** Known producers. */
  get size(): number {
    return this.#producers.size;
  }

  /** The entry of `producerId`, if known. */
  get(producerId: number): ProducerEntry | undefined {
    return this.#producers.get(producerId);
  }

  /** Starts staging the checks of one append. */
  begin(): ProducerAppend {
    return new ProducerAppend(this.#producers);
  }

  /** Records a batch already in the log (replay after a snapshot), without checks. */
  replay(producerId: number, epoch: number, batch: ProducerBatch): void {
    const entry = this.#producers.get(producerId);
    if (!entry || epoch !== entry.epoch) this.#producers.set(producerId, { epoch, batches: [batch] });
    else pushBatch(entry, batch);
  }

  /** Forgets producers whose last batch lies below `offset` (deleted by retention). */
  removeBefore(offset: number): void {
    for (const [id, entry] of this.#producers) {
      const last = entry.batches[entry.batches.length - 1];
      if (!last || last.lastOffset < offset) this.#producers.delete(id);
    }
  }

  toSnapshot(): ProducerSnapshotEntry[] {
    return [...this.#producers].map(([id, e]) => [id, e.epoch, e.batches.map((b) => [b.firstSeq, b.lastSeq, b.baseOffset, b.lastOffset])]);
  }

  static fromSnapshot(entries: ProducerSnapshotEntry[]): ProducerState {
    const state = new ProducerState();
    for (const [id, epoch, batches] of entries) {
      state.#producers.set(id, {
        epoch,
        batches: batches.map(([firstSeq, lastSeq, baseOffset, lastOffset]) => ({ firstSeq, lastSeq, baseOffset, lastOffset })),
      });
    }
    return state;
  }
}

/** The staged producer checks of one append; {@link commit} applies them. */
export class ProducerAppend {
  #producers: Map<number, ProducerEntry>;
  #staged = new Map<number, ProducerEntry>();

  constructor(producers: Map<number, ProducerEntry>) {
    this.#producers = producers;
  }

  /**
   * Checks a batch of `producerId`.
   * @returns the remembered batch it duplicates, or undefined when it is new
   * @throws {RivuletError} `producer_fenced`, `out_of_order_sequence`
   */
  check(producerId: number, epoch: number, firstSeq: number, lastSeq: number): Duplicate {
    const entry = this.#entry(producerId);
    if (!entry) return undefined;
    if (epoch < entry.epoch) {
      throw new RivuletError("producer_fenced", `producer ${producerId} epoch ${epoch} is fenced by epoch ${entry.epoch}`, { producerId, epoch, currentEpoch: entry.epoch });
    }
    if (epoch > entry.epoch) {
      if (firstSeq !== 0) throw outOfOrder(producerId, `a new epoch ${epoch} must start at sequence 0, got ${firstSeq}`, 0, firstSeq);
      return undefined;
    }
    const dup = entry.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
    if (dup) return dup;
    const last = entry.batches[entry.batches.length - 1];
    if (last) {
      const expected = last.lastSeq === SEQUENCE_MAX ? 0 : last.lastSeq + 1;
      if (firstSeq !== expected) throw outOfOrder(producerId, `expected sequence ${expected}, got ${firstSeq}`, expected, firstSeq);
    }
    return undefined;
  }

  /** Stages a checked, new batch with its assigned offsets. */
  record(producerId: number, epoch: number, batch: ProducerBatch): void {
    const entry = this.#entry(producerId);
    if (!entry || epoch !== entry.epoch) this.#staged.set(producerId, { epoch, batches: [batch] });
    else {
      const copy = { epoch, batches: [...entry.batches] };
      pushBatch(copy, batch);
      this.#staged.set(producerId, copy);
    }
  }

  /** Applies what was staged. */
  commit(): void {
    for (const [id, entry] of this.#staged) this.#producers.set(id, entry);
  }

  #entry(producerId: number): ProducerEntry | undefined {
    return this.#staged.get(producerId) ?? this.#producers.get(producerId);
  }
}

function pushBatch(entry: ProducerEntry, batch: ProducerBatch): void {
  entry.batches.push(batch);
  if (entry.batches.length > PRODUCER_BATCHES_KEPT) entry.batches.shift();
}

function outOfOrder(producerId: number, what: string, expected: number, got: number): RivuletError {
  return new RivuletError("out_of_order_sequence", `producer ${producerId}: ${what}`, { producerId, expectedSequence: expected, sequence: got });
}
