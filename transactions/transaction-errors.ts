/** The coordinator's typed errors, one constructor per refusal so messages and details stay uniform. */
import { RivuletError } from "../core/errors.ts";
import type { Limits } from "../core/limits.ts";
import type { TransactionMetadata } from "./transaction-metadata.ts";

/** The producer's epoch is older (or other) than the id's: a newer producer took over. */
export function producerFenced(transactionalId: string, producerEpoch: number, meta: TransactionMetadata): RivuletError {
  return new RivuletError("producer_fenced", `transactional id "${transactionalId}": producer epoch ${producerEpoch} is fenced by epoch ${meta.producerEpoch}`, {
    transactionalId, epoch: producerEpoch, currentEpoch: meta.producerEpoch,
  });
}

/** The id is unknown, or held by another producer id. */
export function unknownProducerMapping(transactionalId: string, producerId: number): RivuletError {
  return new RivuletError("invalid_producer_id_mapping", `transactional id "${transactionalId}" is not held by producer ${producerId}: call InitProducerId first`, { transactionalId, producerId });
}

/** The request does not fit the transaction's state. */
export function invalidState(transactionalId: string, what: string, meta: TransactionMetadata | undefined): RivuletError {
  const state = meta?.state ?? "none";
  return new RivuletError("invalid_txn_state", `transactional id "${transactionalId}" cannot ${what} in state ${state}`, { transactionalId, state });
}

/** The id's previous transaction is still writing its markers. */
export function concurrent(transactionalId: string, meta: TransactionMetadata): RivuletError {
  return new RivuletError("concurrent_transactions", `transactional id "${transactionalId}" is completing its previous transaction (${meta.state}): retry`, { transactionalId, state: meta.state });
}

/** The principal may not use the id. */
export function notOwner(transactionalId: string, principal: string): RivuletError {
  return new RivuletError("forbidden", `principal "${principal}" may not use transactional id "${transactionalId}": another principal owns it`, { transactionalId });
}

/** A request reached a coordinator that closed: it lost its `__transaction_state` partition (or the broker is closing). */
export function notCoordinator(): RivuletError {
  return new RivuletError("not_coordinator", "this transaction coordinator stopped coordinating (its partition moved, or the broker is closing): find the coordinator again");
}

/** The transaction would touch more than `transactionPartitionsMax` partitions, groups or staged offsets. */
export function tooManyPartitions(limits: Limits): RivuletError {
  return new RivuletError("invalid_request", `a transaction may touch at most ${limits.transactionPartitionsMax} partitions and groups`, { limit: "transactionPartitionsMax", max: limits.transactionPartitionsMax });
}

/** Every one of the `transactionalIdsMax` ids the coordinator holds has an open transaction: none can be forgotten for a new one. */
export function tooManyIds(max: number): RivuletError {
  return new RivuletError("invalid_request", `the coordinator holds ${max} transactional ids with open transactions`, { limit: "transactionalIdsMax", max });
}
