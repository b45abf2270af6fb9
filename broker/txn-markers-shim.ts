/**
 * STAND-IN for the log side of transactions, kept in this one file so a merge can drop it: it
 * writes transaction markers as plain appends of a control batch, so the transaction coordinator
 * (transactions/) runs and is tested before the partition actors know transactions. The real
 * `writeTxnMarkers` (a partition-actor message that also ends the producer's open transaction
 * for the last stable offset and the aborted-transaction index) replaces it; BrokerCore's
 * `writeTxnMarkers` is then that implementation and this file goes away.
 *
 * The control batch is Kafka's: attributes transactional (0x10) | control (0x20), the producer's
 * id and epoch, no sequence, one record whose key is int16 version 0 + int16 type (0 abort,
 * 1 commit) and whose value is int16 version 0 + int32 coordinator epoch.
 *
 * What it does not do (the log side's job): fence an older epoch (it never answers
 * `invalid_producer_epoch`), track open transactions, or keep markers out of decoded reads.
 */
import { Attributes, BatchOffset, CRC_START } from "../record/batch-layout.ts";
import { viewOf } from "../record/batch-header.ts";
import { crc32c } from "../record/crc32c.ts";
import { encodeRecordBatch } from "../record/record-batch-encoder.ts";
import type { AppendBatchResult, TxnMarker } from "./types.ts";

/** Encodes one marker as a control batch. */
export function encodeTxnMarkerBatch(marker: TxnMarker, timestamp: number): Uint8Array {
  const key = new Uint8Array(4);
  new DataView(key.buffer).setInt16(2, marker.commit ? 1 : 0);
  const value = new Uint8Array(6);
  new DataView(value.buffer).setInt32(2, marker.coordinatorEpoch);
  const batch = encodeRecordBatch([{ key, value, headers: [], timestamp }], {
    producerId: marker.producerId,
    producerEpoch: marker.producerEpoch,
    transactional: true,
  });
  const view = viewOf(batch);
  view.setInt16(BatchOffset.attributes, view.getInt16(BatchOffset.attributes) | Attributes.control);
  view.setUint32(BatchOffset.crc, crc32c(batch, CRC_START, batch.length));
  return batch;
}

/** Appends every marker's control batch, partitions in parallel; resolves once all are appended. */
export async function appendTxnMarkers(
  host: { appendBatch(topic: string, partition: number, batches: Uint8Array): Promise<AppendBatchResult>; clock: { now(): number } },
  markers: TxnMarker[],
): Promise<void> {
  const now = host.clock.now();
  await Promise.all(markers.map((marker) => host.appendBatch(marker.topic, marker.partition, encodeTxnMarkerBatch(marker, now))));
}
