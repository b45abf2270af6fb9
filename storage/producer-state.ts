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
  /**
   * The first offset of the producer's ongoing transaction in this partition, or -1 when none:
   * set by its first transactional batch, cleared by a commit or abort marker.
   */
  txnFirstOffset: number;
  /**
   * The coordinator epoch of the producer's last marker here (absent: none seen since the
   * partition opened, or restored from a snapshot): a marker of an older coordinator epoch is
   * refused, as Kafka refuses a deposed transaction coordinator's markers.
   */
  coordinatorEpoch?: number;
}

/** A transaction a marker has just ended. */
export interface EndedTxn {
  producerId: number;
  /** Its first offset in this partition. */
  firstOffset: number;
}

/** The batch a retried send duplicates, or undefined for a new batch. */
export type Duplicate = ProducerBatch | undefined;

/**
 * Snapshot form (CBOR): `[producerId, epoch, [firstSeq, lastSeq, baseOffset, lastOffset][],
 * txnFirstOffset]`; the last element is absent in version-1 snapshots (written before
 * transactions: no transaction was ongoing).
 */
export type ProducerSnapshotEntry = [number, number, [number, number, number, number][], number?];

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
 * Transactions (Kafka's rules too): a transactional batch (attribute bit 4) starts the
 * producer's transaction in this partition, or extends the one ongoing; a non-transactional
 * batch while one is ongoing is refused (`invalid_txn_state`); a commit or abort marker ends it
 * ({@link ProducerAppend.marker}). A marker with an epoch below the producer's is refused
 * (`invalid_producer_epoch`); one with a higher epoch raises the producer's epoch (a fenced
 * producer's later batches are then refused). The first offsets of the ongoing transactions
 * bound the partition's last stable offset ({@link firstUnstableOffset}).
 *
 * Not thread-safe: owned by one partition actor.
 */
export class ProducerState {
  #producers = new Map<number, ProducerEntry>();
  /** First offset of each ongoing transaction, by producer id. */
  #ongoing = new Map<number, number>();

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
    return new ProducerAppend(this.#producers, (id, entry) => this.#set(id, entry));
  }

  /**
   * The smallest first offset of the ongoing transactions, or undefined when none is ongoing:
   * the last stable offset can be no higher.
   */
  firstUnstableOffset(): number | undefined {
    let min: number | undefined;
    for (const first of this.#ongoing.values()) if (min === undefined || first < min) min = first;
    return min;
  }

  /** The ongoing transactions, by producer id → first offset (a copy). */
  ongoingTransactions(): Map<number, number> {
    return new Map(this.#ongoing);
  }

  /**
   * Records a data batch already in the log (replay after a snapshot, a follower's copy),
   * without checks; a transactional one starts or extends the producer's transaction.
   */
  replay(producerId: number, epoch: number, batch: ProducerBatch, transactional = false): void {
    this.#set(producerId, afterBatch(this.#producers.get(producerId), epoch, batch, transactional));
  }

  /**
   * Records a commit or abort marker already in the log, without checks.
   * @returns the transaction it ended, if one was ongoing
   */
  replayMarker(producerId: number, epoch: number, coordinatorEpoch?: number): EndedTxn | undefined {
    const entry = this.#producers.get(producerId);
    this.#set(producerId, afterMarker(entry, epoch, coordinatorEpoch));
    return entry && entry.txnFirstOffset >= 0 ? { producerId, firstOffset: entry.txnFirstOffset } : undefined;
  }

  /**
   * Forgets producers whose last batch lies below `offset` (deleted by retention), except those
   * with a transaction still ongoing (it must hold the last stable offset until its marker).
   */
  removeBefore(offset: number): void {
    for (const [id, entry] of this.#producers) {
      if (entry.txnFirstOffset >= 0) continue;
      const last = entry.batches[entry.batches.length - 1];
      if (!last || last.lastOffset < offset) this.#producers.delete(id);
    }
  }

  toSnapshot(): ProducerSnapshotEntry[] {
    return [...this.#producers].map(([id, e]) => [id, e.epoch, e.batches.map((b) => [b.firstSeq, b.lastSeq, b.baseOffset, b.lastOffset]), e.txnFirstOffset]);
  }

  static fromSnapshot(entries: ProducerSnapshotEntry[]): ProducerState {
    const state = new ProducerState();
    for (const [id, epoch, batches, txnFirstOffset] of entries) {
      state.#set(id, {
        epoch,
        batches: batches.map(([firstSeq, lastSeq, baseOffset, lastOffset]) => ({ firstSeq, lastSeq, baseOffset, lastOffset })),
        txnFirstOffset: typeof txnFirstOffset === "number" && Number.isSafeInteger(txnFirstOffset) ? txnFirstOffset : -1,
      });
    }
    return state;
  }

  #set(producerId: number, entry: ProducerEntry): void {
    this.#producers.set(producerId, entry);
    if (entry.txnFirstOffset >= 0) this.#ongoing.set(producerId, entry.txnFirstOffset);
    else this.#ongoing.delete(producerId);
  }
}

/** The staged producer checks of one append; {@link commit} applies them. */
export class ProducerAppend {
  #producers: Map<number, ProducerEntry>;
  #apply: (producerId: number, entry: ProducerEntry) => void;
  #staged = new Map<number, ProducerEntry>();

  constructor(producers: Map<number, ProducerEntry>, apply: (producerId: number, entry: ProducerEntry) => void) {
    this.#producers = producers;
    this.#apply = apply;
  }

  /**
   * Checks a batch of `producerId`.
   * @returns the remembered batch it duplicates, or undefined when it is new
   * @throws {RivuletError} `producer_fenced`, `out_of_order_sequence`, `invalid_txn_state` (a
   *   non-transactional batch while the producer's transaction is ongoing)
   */
  check(producerId: number, epoch: number, firstSeq: number, lastSeq: number, transactional = false): Duplicate {
    const entry = this.#entry(producerId);
    if (!entry) return undefined;
    if (epoch < entry.epoch) {
      throw new RivuletError("producer_fenced", `producer ${producerId} epoch ${epoch} is fenced by epoch ${entry.epoch}`, { producerId, epoch, currentEpoch: entry.epoch });
    }
    const dup = epoch === entry.epoch ? entry.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq) : undefined;
    if (dup) return dup; // a retry is answered as it was the first time, before any other check (as Kafka does)
    if (!transactional && entry.txnFirstOffset >= 0) {
      throw new RivuletError("invalid_txn_state", `producer ${producerId} sent a non-transactional batch while its transaction (from offset ${entry.txnFirstOffset}) is ongoing`, { producerId, txnFirstOffset: entry.txnFirstOffset });
    }
    if (epoch > entry.epoch) {
      if (firstSeq !== 0) throw outOfOrder(producerId, `a new epoch ${epoch} must start at sequence 0, got ${firstSeq}`, 0, firstSeq);
      return undefined;
    }
    const last = entry.batches[entry.batches.length - 1];
    if (last) {
      const expected = last.lastSeq === SEQUENCE_MAX ? 0 : last.lastSeq + 1;
      if (firstSeq !== expected) throw outOfOrder(producerId, `expected sequence ${expected}, got ${firstSeq}`, expected, firstSeq);
    }
    return undefined;
  }

  /** Stages a checked, new batch with its assigned offsets; a transactional one starts or extends the transaction. */
  record(producerId: number, epoch: number, batch: ProducerBatch, transactional = false): void {
    const entry = this.#entry(producerId);
    this.#staged.set(producerId, afterBatch(entry && { ...entry, batches: [...entry.batches] }, epoch, batch, transactional));
  }

  /**
   * Checks and stages a commit or abort marker of `producerId` at `epoch`: it ends the
   * producer's ongoing transaction, if any; a marker for a producer without one changes nothing
   * else (the marker is still written, as Kafka writes it).
   *
   * @returns the transaction it ends, if one is ongoing
   * @throws {RivuletError} `invalid_producer_epoch` when `epoch` is below the producer's;
   *   `transaction_coordinator_fenced` when `coordinatorEpoch` is below that of the producer's
   *   last marker (a deposed coordinator's), unless `checkCoordinator` is false (a follower copies
   *   what its leader took: it tracks the coordinator epoch without refusing)
   */
  marker(producerId: number, epoch: number, coordinatorEpoch?: number, checkCoordinator = true): EndedTxn | undefined {
    const entry = this.#entry(producerId);
    if (entry && epoch < entry.epoch) {
      throw new RivuletError("invalid_producer_epoch", `a transaction marker of producer ${producerId} has epoch ${epoch}, below its epoch ${entry.epoch}`, { producerId, epoch, currentEpoch: entry.epoch });
    }
    if (checkCoordinator && entry?.coordinatorEpoch !== undefined && coordinatorEpoch !== undefined && coordinatorEpoch < entry.coordinatorEpoch) {
      throw new RivuletError("transaction_coordinator_fenced", `a transaction marker of producer ${producerId} comes from coordinator epoch ${coordinatorEpoch}, below ${entry.coordinatorEpoch}: a newer coordinator took over`, { producerId, coordinatorEpoch, currentCoordinatorEpoch: entry.coordinatorEpoch });
    }
    this.#staged.set(producerId, afterMarker(entry, epoch, coordinatorEpoch));
    return entry && entry.txnFirstOffset >= 0 ? { producerId, firstOffset: entry.txnFirstOffset } : undefined;
  }

  /** Applies what was staged. */
  commit(): void {
    for (const [id, entry] of this.#staged) this.#apply(id, entry);
  }

  #entry(producerId: number): ProducerEntry | undefined {
    return this.#staged.get(producerId) ?? this.#producers.get(producerId);
  }
}

/**
 * The entry after a data batch: a new epoch starts a new batch list; a transactional batch
 * starts a transaction unless one is ongoing (then it extends it, whatever the epoch: only a
 * marker ends a transaction); a non-transactional one leaves none ongoing.
 */
function afterBatch(entry: ProducerEntry | undefined, epoch: number, batch: ProducerBatch, transactional: boolean): ProducerEntry {
  const txnFirstOffset = transactional ? (entry && entry.txnFirstOffset >= 0 ? entry.txnFirstOffset : batch.baseOffset) : -1;
  if (!entry || epoch !== entry.epoch) return withCoordinatorEpoch({ epoch, batches: [batch], txnFirstOffset }, entry?.coordinatorEpoch);
  pushBatch(entry, batch);
  entry.txnFirstOffset = txnFirstOffset;
  return entry;
}

/** The entry after a marker: no transaction ongoing; a higher epoch replaces the epoch and forgets the batches of the old one. */
function afterMarker(entry: ProducerEntry | undefined, epoch: number, coordinatorEpoch?: number): ProducerEntry {
  const known = coordinatorEpoch ?? entry?.coordinatorEpoch;
  if (!entry || epoch > entry.epoch) return withCoordinatorEpoch({ epoch, batches: [], txnFirstOffset: -1 }, known);
  return withCoordinatorEpoch({ epoch: entry.epoch, batches: entry.batches, txnFirstOffset: -1 }, known);
}

/** The entry, with the coordinator epoch when one is known (entries without one stay as snapshots and tests shape them). */
function withCoordinatorEpoch(entry: ProducerEntry, coordinatorEpoch: number | undefined): ProducerEntry {
  if (coordinatorEpoch !== undefined) entry.coordinatorEpoch = coordinatorEpoch;
  return entry;
}

function pushBatch(entry: ProducerEntry, batch: ProducerBatch): void {
  entry.batches.push(batch);
  if (entry.batches.length > PRODUCER_BATCHES_KEPT) entry.batches.shift();
}

function outOfOrder(producerId: number, what: string, expected: number, got: number): RivuletError {
  return new RivuletError("out_of_order_sequence", `producer ${producerId}: ${what}`, { producerId, expectedSequence: expected, sequence: got });
}
