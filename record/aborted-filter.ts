/**
 * What a read_committed reader leaves out of fetched batches: control batches (transaction
 * markers are never data) and the batches of aborted transactions. Given the aborted
 * transactions a fetch returned (producer id, first offset), a batch of producer P is aborted
 * data when it is transactional and P has an aborted transaction whose first offset is at or
 * below the batch's last offset and whose abort marker has not been passed yet — Kafka's
 * consumer rule (KIP-98). Feed it every batch in offset order; one instance per walk.
 */
import type { BatchHeader } from "./batch-header.ts";
import { isControlBatch, isTransactionalBatch, readControlMarker } from "./control-batch.ts";

/** An aborted transaction as a fetch reports it. */
export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export class AbortedTxnFilter {
  #pending: AbortedTransaction[];
  #next = 0;
  /** Producers inside an aborted transaction at the current position. */
  #aborting = new Set<number>();

  /** @param aborted the aborted transactions overlapping the batches to walk (any order) */
  constructor(aborted: readonly AbortedTransaction[]) {
    this.#pending = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /**
   * Whether the batch at `position` in `bytes` is to be left out: a control batch, or a
   * transactional batch of an aborted transaction. Must be called for every batch, in order.
   */
  skips(bytes: Uint8Array, position: number, header: BatchHeader): boolean {
    const control = isControlBatch(header);
    if (header.producerId < 0) return control;
    const last = header.baseOffset + header.lastOffsetDelta;
    while (this.#next < this.#pending.length && this.#pending[this.#next].firstOffset <= last) this.#aborting.add(this.#pending[this.#next++].producerId);
    if (control) {
      if (this.#aborting.has(header.producerId) && readControlMarker(bytes, position)?.commit === false) this.#aborting.delete(header.producerId);
      return true;
    }
    return isTransactionalBatch(header) && this.#aborting.has(header.producerId);
  }
}
