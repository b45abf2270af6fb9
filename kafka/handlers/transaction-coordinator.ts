/**
 * The transaction coordinator as the transaction handlers reach it, and the request fields
 * every transaction API shares. A broker without one (a bare BrokerApi) answers INVALID_REQUEST,
 * so a client fails at once instead of retrying.
 */
import { RivuletError } from "../../core/errors.ts";
import type { TransactionalRequest, TransactionCoordinatorApi } from "../../transactions/transaction-coordinator.ts";
import { transactionPrincipal } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";

/**
 * The broker's coordinator.
 *
 * @throws {RivuletError} `invalid_request` without one
 */
export function coordinatorOf(ctx: HandlerContext): TransactionCoordinatorApi {
  const coordinator = ctx.broker.transactions;
  if (!coordinator) throw new RivuletError("invalid_request", "this broker has no transaction coordinator");
  return coordinator;
}

/** The coordinator's view of a request's transactional producer. */
export function transactionalRequest(ctx: HandlerContext, request: { transactionalId: string; producerId: number; producerEpoch: number }): TransactionalRequest {
  return { transactionalId: request.transactionalId, producerId: request.producerId, producerEpoch: request.producerEpoch, principal: transactionPrincipal(ctx) };
}
