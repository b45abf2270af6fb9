/**
 * Helpers for transaction tests: the batches of a partition as written (data and control), and
 * waiting for a transactional id to reach a state (an event, not a sleep). Tests only.
 */
import { Attributes } from "../../record/batch-layout.ts";
import { decodeRecords, iterateBatches } from "../../record/record-batch.ts";
import type { BrokerApi } from "../../broker/types.ts";
import type { TransactionCoordinatorApi } from "../../transactions/transaction-coordinator.ts";
import type { TransactionMetadata, TransactionState } from "../../transactions/transaction-metadata.ts";

/** One stored batch, decoded enough for assertions. */
export interface StoredBatch {
  baseOffset: number;
  producerId: number;
  producerEpoch: number;
  transactional: boolean;
  /** For a control batch: its marker. */
  marker: "commit" | "abort" | null;
  /** For a control batch: the coordinator epoch in its value. */
  coordinatorEpoch: number | null;
  values: string[];
}

const text = new TextDecoder();

/** Every batch of a partition from `from` to its end. */
export async function storedBatches(broker: BrokerApi, topic: string, partition: number, from = 0): Promise<StoredBatch[]> {
  const out: StoredBatch[] = [];
  let offset = from;
  const end = await broker.listOffset(topic, partition, "latest");
  while (offset < end) {
    const { batches } = await broker.fetchBatches(topic, partition, { offset });
    if (batches.byteLength === 0) break;
    for (const { position, header } of iterateBatches(batches)) {
      const last = header.baseOffset + header.lastOffsetDelta;
      if (last < offset) continue;
      const records = decodeRecords(batches, position);
      const control = (header.attributes & Attributes.control) !== 0;
      const key = control ? new DataView(records[0].key!.buffer, records[0].key!.byteOffset) : null;
      const value = control ? new DataView(records[0].value!.buffer, records[0].value!.byteOffset) : null;
      out.push({
        baseOffset: header.baseOffset,
        producerId: header.producerId,
        producerEpoch: header.producerEpoch,
        transactional: (header.attributes & Attributes.transactional) !== 0,
        marker: key ? (key.getInt16(2) === 1 ? "commit" : "abort") : null,
        coordinatorEpoch: value ? value.getInt32(2) : null,
        values: control ? [] : records.map((r) => (r.value ? text.decode(r.value) : "")),
      });
      offset = last + 1;
    }
  }
  return out;
}

/** Resolves with the id's metadata once `accept` holds for it (checked now and on every change). */
export function whenTransaction(coordinator: TransactionCoordinatorApi, transactionalId: string, accept: (meta: TransactionMetadata) => boolean): Promise<TransactionMetadata> {
  return new Promise((resolve) => {
    const now = coordinator.describe(transactionalId);
    if (now && accept(now)) return resolve(now);
    const stop = coordinator.onChange((meta) => {
      if (meta.transactionalId === transactionalId && accept(meta)) {
        stop();
        resolve(meta);
      }
    });
  });
}

/** Resolves once the id is in `state`. */
export function whenState(coordinator: TransactionCoordinatorApi, transactionalId: string, state: TransactionState): Promise<TransactionMetadata> {
  return whenTransaction(coordinator, transactionalId, (meta) => meta.state === state);
}
