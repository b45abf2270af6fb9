/**
 * Rivulet's typed errors. Every expected failure is a {@link RivuletError} with a stable
 * `code` (see {@link ErrorCode}) and a `retriable` flag. Front ends map codes once:
 * `http/problem.ts` to HTTP statuses, `kafka/protocol/error-codes.ts` to Kafka error codes.
 * Errors cross thread boundaries as data ({@link ErrorData}) and are rebuilt here.
 *
 * Programmer errors are not RivuletErrors: they are assertions that crash the worker.
 */

/** Every stable error code, with whether a client may retry the same request. */
export const errorCodes = {
  invalid_request: { retriable: false },
  invalid_topic_name: { retriable: false },
  invalid_config: { retriable: false },
  invalid_record: { retriable: false },
  invalid_offset: { retriable: false },
  unsupported_media_type: { retriable: false },
  record_too_large: { retriable: false },
  request_too_large: { retriable: false },
  too_many_records: { retriable: false },
  too_many_headers: { retriable: false },
  too_many_streams: { retriable: true },
  unknown_topic: { retriable: false },
  unknown_partition: { retriable: false },
  topic_exists: { retriable: false },
  offset_out_of_range: { retriable: false },
  corrupt_record: { retriable: false },
  storage_error: { retriable: false },
  partition_unavailable: { retriable: true },
  partition_offline: { retriable: false },
  mailbox_full: { retriable: true },
  timeout: { retriable: true },
  out_of_order_sequence: { retriable: false },
  producer_fenced: { retriable: false },
  /** A transaction marker (or transactional request) carried a producer epoch below the producer's current one. */
  invalid_producer_epoch: { retriable: false },
  /** A producer's request does not fit the state of its transaction (e.g. a plain batch while its transaction is ongoing). */
  invalid_txn_state: { retriable: false },
  unknown_producer: { retriable: false },
  unknown_group: { retriable: false },
  unknown_member: { retriable: false },
  illegal_generation: { retriable: false },
  rebalance_in_progress: { retriable: true },
  /** A consumer group is at `groupMembersMax` (Kafka's GROUP_MAX_SIZE_REACHED). */
  too_many_members: { retriable: false },
  /** The broker tracks `groupsMax` consumer groups already. */
  too_many_groups: { retriable: false },
  unauthorized: { retriable: false },
  forbidden: { retriable: false },
  not_found: { retriable: false },
  conflict: { retriable: false },
  closed: { retriable: false },
  actor_failed: { retriable: false },
  /** The actor crashed with the request in flight, or is still restarting: retry. */
  actor_restarting: { retriable: true },
  /** A cluster write was made by a broker that is not (or no longer) the elected controller. */
  not_controller: { retriable: true },
  /** etcd, the cluster's coordination service, did not answer or answered that it cannot serve now. */
  coordination_unavailable: { retriable: true },
  /** An etcd revision asked for has been compacted away: re-read the current state, then watch on. */
  revision_compacted: { retriable: false },
  /** A request named a leader epoch older than the partition's: the caller's view is stale (refresh and retry). */
  fenced_leader_epoch: { retriable: true },
  /** A request named a leader epoch newer than the partition knows yet: retry once it has caught up. */
  unknown_leader_epoch: { retriable: true },
  /** This broker does not lead the partition (it follows it, or holds no replica of it): find the leader and retry there. */
  not_leader: { retriable: true },
  /** An acks=all write was refused before its append: fewer in-sync replicas than `min.insync.replicas`. */
  not_enough_replicas: { retriable: true },
  /** An acks=all write was appended, but the in-sync replicas fell below `min.insync.replicas` before it was replicated. */
  not_enough_replicas_after_append: { retriable: true },
  /** Another operation of the same transactional id is completing (an EndTxn's markers): retry shortly. */
  concurrent_transactions: { retriable: true },
  /** A transactional id the coordinator does not know, or whose producer id differs (Kafka's INVALID_PRODUCER_ID_MAPPING). */
  invalid_producer_id_mapping: { retriable: false },
  /** A transaction marker from a coordinator epoch older than the producer's last marker's: a deposed transaction coordinator (Kafka's TRANSACTION_COORDINATOR_FENCED). */
  transaction_coordinator_fenced: { retriable: false },
  /** This broker is not the coordinator of the transactional id (it does not lead its `__transaction_state` partition, or just lost it): find the coordinator again and retry there. */
  not_coordinator: { retriable: true },
  /** A transaction timeout outside 1 ms..`transactionTimeoutMsMax` (Kafka's INVALID_TRANSACTION_TIMEOUT). */
  invalid_transaction_timeout: { retriable: false },
  /** A topic asked for more replicas than there are live brokers (or fewer than 1). */
  invalid_replication_factor: { retriable: false },
  /** A replica list naming a broker twice, or with a count other than the partition's replication factor (Kafka's INVALID_REPLICA_ASSIGNMENT). */
  invalid_replica_assignment: { retriable: false },
  /** A broker id that is not registered in the cluster (nor, for a drain, a replica of any partition). */
  unknown_broker: { retriable: false },
  /** A drain that would leave fewer live brokers than some partition's replication factor. */
  not_enough_brokers: { retriable: false },
  /** A processor store would pass its memory limit (`processorStoreBytesMax` or the store's `memoryLimitBytes`). */
  store_full: { retriable: false },
  /** A topology cannot run as declared (e.g. co-partitioned inputs with different partition counts). */
  invalid_topology: { retriable: false },
  /** A feature this build cannot provide yet; the message says which and why. */
  not_supported: { retriable: false },
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof errorCodes;

/** An error in a form that survives structured cloning between threads. */
export interface ErrorData {
  name: string;
  message: string;
  code?: ErrorCode;
  retriable?: boolean;
  details?: Record<string, unknown>;
  stack?: string;
}

/**
 * The error Rivulet raises for every expected failure.
 *
 * @example
 * ```ts
 * throw new RivuletError("unknown_topic", `topic "payments" does not exist`, { topic: "payments" });
 * ```
 */
export class RivuletError extends Error {
  override name = "RivuletError";
  /** The stable code: part of the public interface. */
  readonly code: ErrorCode;
  /** Whether the same request may succeed if tried again. */
  readonly retriable: boolean;
  /**
   * Structured facts about the failure (topic, partition, limit, …). Crosses threads as
   * `ErrorData.details`. (Not named `details`: uvu's failure printer expects a string there.)
   */
  readonly info: Record<string, unknown>;

  /**
   * @param code the stable code
   * @param message a sentence for people
   * @param details structured facts for programs
   */
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.retriable = errorCodes[code].retriable;
    this.info = details;
  }
}

/** True when `error` is a RivuletError, optionally with the given code. */
export function isRivuletError(error: unknown, code?: ErrorCode): error is RivuletError {
  return error instanceof RivuletError && (code === undefined || error.code === code);
}

/** Turns any thrown value into plain data that can cross a thread boundary. */
export function errorToData(error: unknown): ErrorData {
  if (error instanceof RivuletError) {
    return { name: error.name, message: error.message, code: error.code, retriable: error.retriable, details: error.info, stack: error.stack };
  }
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: "Error", message: String(error) };
}

/** Rebuilds an error from {@link errorToData}'s output; RivuletErrors keep their code. */
export function errorFromData(data: ErrorData): Error {
  if (data.code && data.code in errorCodes) {
    const error = new RivuletError(data.code, data.message, data.details ?? {});
    if (data.stack) error.stack = data.stack;
    return error;
  }
  const error = new Error(data.message);
  error.name = data.name;
  if (data.stack) error.stack = data.stack;
  return error;
}
