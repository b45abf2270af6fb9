/**
 * DescribeTransactions (API 65) and ListTransactions (66), as Kafka's admin tools use them
 * (`kafka-transactions.sh describe / list`, KIP-664). A broker answers for the transactional ids
 * it coordinates: in a cluster those of the `__transaction_state` partitions it leads (an admin
 * client finds a transactional id's coordinator first, and asks every broker for a list). An id
 * coordinated elsewhere gets NOT_COORDINATOR, an unknown one TRANSACTIONAL_ID_NOT_FOUND. A
 * principal sees an id when it may use transactional ids and owns it (or owns none), or holds
 * the cluster right; otherwise TRANSACTIONAL_ID_AUTHORIZATION_FAILED (describe) or the id is
 * left out (list), as Kafka filters by DESCRIBE.
 */
import { mayCluster, mayWriteIdempotently } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import type { DescribedTransaction, DescribeTransactionsRequest, DescribeTransactionsResponse } from "../protocol/describe-transactions/types.ts";
import type { ListTransactionsRequest, ListTransactionsResponse } from "../protocol/list-transactions/types.ts";
import type { TransactionMetadata } from "../../transactions/transaction-metadata.ts";
import { RivuletError } from "../../core/errors.ts";
import { coordinatorOf } from "./transaction-coordinator.ts";

/** Kafka's state names, which are Rivulet's. */
const states = new Set(["Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit", "CompleteAbort", "Dead", "PrepareEpochFence"]);

function mayDescribe(ctx: HandlerContext, meta: TransactionMetadata): boolean {
  if (mayCluster(ctx)) return true;
  return mayWriteIdempotently(ctx) && (meta.owner === null || meta.owner === ctx.principal?.name);
}

function described(meta: TransactionMetadata): DescribedTransaction {
  const topics = new Map<string, number[]>();
  for (const { topic, partition } of meta.partitions) topics.set(topic, [...(topics.get(topic) ?? []), partition]);
  return {
    errorCode: 0, transactionalId: meta.transactionalId, transactionState: meta.state, transactionTimeoutMs: meta.timeoutMs,
    transactionStartTimeMs: meta.startedAt, producerId: meta.producerId, producerEpoch: meta.producerEpoch,
    topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
  };
}

export async function handleDescribeTransactions(ctx: HandlerContext, request: DescribeTransactionsRequest): Promise<DescribeTransactionsResponse> {
  const failed = (transactionalId: string, errorCode: number): DescribedTransaction => ({
    errorCode, transactionalId, transactionState: "", transactionTimeoutMs: -1, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [],
  });
  let loaded: unknown = null;
  try {
    await coordinatorOf(ctx).load();
  } catch (error) {
    loaded = error;
  }
  return {
    throttleTimeMs: 0,
    transactionStates: request.transactionalIds.map((id) => {
      try {
        if (loaded) throw loaded;
        const coordinator = coordinatorOf(ctx);
        if (coordinator.coordinates && !coordinator.coordinates(id)) throw new RivuletError("not_coordinator", `this broker does not coordinate transactional id "${id}"`);
        const meta = coordinator.describe(id);
        if (!meta) return failed(id, kafkaErrors.TRANSACTIONAL_ID_NOT_FOUND);
        if (!mayDescribe(ctx, meta)) return failed(id, kafkaErrors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
        return described(meta);
      } catch (error) {
        return failed(id, kafkaErrorCode(error));
      }
    }),
  };
}

export async function handleListTransactions(ctx: HandlerContext, request: ListTransactionsRequest): Promise<ListTransactionsResponse> {
  const answer = (errorCode: number, transactionStates: ListTransactionsResponse["transactionStates"] = []): ListTransactionsResponse => ({
    throttleTimeMs: 0, errorCode, unknownStateFilters: request.stateFilters.filter((s) => !states.has(s)), transactionStates,
  });
  try {
    const coordinator = coordinatorOf(ctx);
    await coordinator.load();
    const wanted = new Set(request.stateFilters);
    const producers = new Set(request.producerIdFilters);
    return answer(0, coordinator.list()
      .filter((m) => (wanted.size === 0 || wanted.has(m.state)) && (producers.size === 0 || producers.has(m.producerId)) && mayDescribe(ctx, m))
      .map((m) => ({ transactionalId: m.transactionalId, producerId: m.producerId, transactionState: m.state })));
  } catch (error) {
    return answer(kafkaErrorCode(error));
  }
}
