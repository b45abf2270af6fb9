/**
 * KIP-890's check of the transactional batches of `POST /v1/topics/{t}/partitions/{p}/batches`,
 * as the Kafka door's Produce makes it: a batch with the transactional attribute needs the
 * request's `transactional_id` (Kafka's Produce carries it), and the transaction coordinator of
 * that id (this broker's, or in a cluster the one on another broker, asked over the brokers'
 * connection) must see the batch's producer holding the id at that epoch with the partition in
 * its ongoing transaction. So a zombie producer, or one that skipped AddPartitionsToTxn, writes
 * nothing through this door either. Other batches are not checked here.
 */
import { RivuletError } from "../core/errors.ts";
import { isClusterAdmin, type Principal } from "../auth/rights.ts";
import type { BrokerApi } from "../broker/types.ts";
import { Attributes, BATCH_HEADER_SIZE } from "../record/batch-layout.ts";
import { batchSize, readBatchHeader } from "../record/batch-header.ts";
import type { TransactionCoordinatorApi } from "../transactions/transaction-coordinator.ts";

/**
 * Checks every transactional batch in `body` (one check per producer id and epoch); resolves
 * when there is none or the coordinator admits them. A body too short or malformed to walk is
 * left to the append's own validation.
 *
 * @throws {RivuletError} `invalid_txn_state` (no `transactional_id`, or the partition is not in
 *   the producer's ongoing transaction), `producer_fenced`, `invalid_producer_id_mapping`,
 *   `forbidden` (the id is bound to another principal), `invalid_request` (an id longer than
 *   `transactionalIdLengthMax`, or a broker without a transaction coordinator), `not_enough_replicas` (retriable: the coordinator on another broker
 *   could not answer yet)
 */
export async function checkTransactionalBatches(
  broker: BrokerApi,
  body: Uint8Array,
  target: { topic: string; partition: number; transactionalId: string | null; principal: Principal | null; transactionalIdLengthMax: number },
): Promise<void> {
  const producers = new Map<string, { producerId: number; producerEpoch: number }>();
  for (let position = 0; body.length - position >= BATCH_HEADER_SIZE;) {
    const size = batchSize(body, position);
    let header;
    try {
      header = readBatchHeader(body, position);
    } catch {
      break; // a corrupt header: the append refuses it
    }
    if ((header.attributes & Attributes.transactional) !== 0) producers.set(`${header.producerId}\0${header.producerEpoch}`, { producerId: header.producerId, producerEpoch: header.producerEpoch });
    if (size < BATCH_HEADER_SIZE) break;
    position += size;
  }
  if (producers.size === 0) return;
  const { topic, partition, transactionalId } = target;
  if (transactionalId === null || transactionalId === "") {
    throw new RivuletError("invalid_txn_state", `a transactional batch for ${topic}/${partition} needs the transactional_id of its producer`, { topic, partition });
  }
  if (transactionalId.length > target.transactionalIdLengthMax) {
    throw new RivuletError("invalid_request", `a transactional id must be 1-${target.transactionalIdLengthMax} characters`, { limit: "transactionalIdLengthMax" });
  }
  const coordinator = (broker as BrokerApi & { readonly transactions?: TransactionCoordinatorApi }).transactions;
  if (!coordinator) throw new RivuletError("invalid_request", "this broker has no transaction coordinator: it takes no transactional batch", { topic, partition });
  if (!coordinator.loaded) await coordinator.load().catch(() => {}); // a failed load fails the check below
  const principal = target.principal === null || isClusterAdmin(target.principal) ? undefined : target.principal.name;
  for (const { producerId, producerEpoch } of producers.values()) {
    await coordinator.checkProduce({ transactionalId, producerId, producerEpoch, principal }, topic, partition);
  }
}
