/**
 * The checks of a transaction request's own fields, made before it waits for its id's turn (they
 * need no state): the transactional id, the transaction timeout, TxnOffsetCommit's offsets.
 * Pure functions of the request and the limits (core/limits.ts).
 */
import { RivuletError } from "../core/errors.ts";
import type { Limits } from "../core/limits.ts";
import type { OffsetCommitEntry } from "../broker/group-api.ts";

const utf8 = new TextEncoder();

/** @throws {RivuletError} `invalid_request` unless the id is a string of 1-`transactionalIdLengthMax` characters */
export function checkTransactionalId(id: string, limits: Limits): void {
  if (typeof id !== "string" || id === "" || id.length > limits.transactionalIdLengthMax) {
    throw new RivuletError("invalid_request", `a transactional id must be 1-${limits.transactionalIdLengthMax} characters`, { limit: "transactionalIdLengthMax" });
  }
}

/** @throws {RivuletError} `invalid_transaction_timeout` unless `transaction.timeout.ms` is an integer of 1-`transactionTimeoutMsMax` */
export function checkTransactionTimeout(timeoutMs: number, limits: Limits): void {
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > limits.transactionTimeoutMsMax) {
    throw new RivuletError("invalid_transaction_timeout", `transaction.timeout.ms must be 1-${limits.transactionTimeoutMsMax}, got ${timeoutMs}`, { limit: "transactionTimeoutMsMax", max: limits.transactionTimeoutMsMax });
  }
}

/** @throws {RivuletError} `invalid_offset` (a negative or non-integer offset), `invalid_request` (metadata over `offsetMetadataBytesMax`) */
export function checkTxnOffsets(offsets: OffsetCommitEntry[], limits: Limits): void {
  for (const o of offsets) {
    if (!Number.isSafeInteger(o.offset) || o.offset < 0) throw new RivuletError("invalid_offset", `offset ${o.offset} for ${o.topic}-${o.partition} must be a non-negative integer`, { topic: o.topic, partition: o.partition });
    if (o.metadata != null && utf8.encode(o.metadata).length > limits.offsetMetadataBytesMax) {
      throw new RivuletError("invalid_request", `offset metadata for ${o.topic}-${o.partition} exceeds ${limits.offsetMetadataBytesMax} bytes`, { limit: "offsetMetadataBytesMax" });
    }
  }
}
