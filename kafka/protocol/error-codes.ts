/**
 * THE one map from Rivulet's error codes to Kafka error codes, and Kafka's names for the codes
 * Rivulet sends. Every Kafka handler turns a failure into a code with {@link kafkaErrorCode}.
 *
 * Choices where Kafka offers more than one code:
 * - `partition_unavailable` (restarting) and `partition_offline` (kept crashing) both map to
 *   LEADER_NOT_AVAILABLE (5): on one node there is no other leader to find, which is what
 *   NOT_LEADER_OR_FOLLOWER (6) would tell a client to look for; 5 is retriable in every client,
 *   which refreshes metadata and retries until its delivery timeout, so an operator's restart
 *   of the partition is picked up without the client giving up at once.
 * - `mailbox_full`, `actor_restarting`, `too_many_streams` and `timeout` map to
 *   REQUEST_TIMED_OUT (7): retriable everywhere and valid in every response (partition and
 *   group APIs alike), so clients back off and retry.
 * - `too_many_members` is GROUP_MAX_SIZE_REACHED (81); `too_many_groups` has no Kafka
 *   counterpart and is not retriable, so it is INVALID_REQUEST (42) and the client fails.
 * - `unknown_group` maps to UNKNOWN_MEMBER_ID (25), as Kafka answers a member of a group it
 *   does not know: the client rejoins with an empty member id.
 * - `invalid_offset` maps to OFFSET_OUT_OF_RANGE (1), which makes consumers apply their reset
 *   policy, as Kafka does for a negative fetch offset.
 * - `storage_error` maps to KAFKA_STORAGE_ERROR (56), retriable as in Kafka.
 * - `producer_fenced` is INVALID_PRODUCER_EPOCH (47), which every version of every API knows;
 *   the transaction APIs that added PRODUCER_FENCED (90) translate it for their newer versions
 *   with {@link fencedErrorCode}, as Kafka's broker does.
 * - `forbidden` is TRANSACTIONAL_ID_AUTHORIZATION_FAILED (53) when its `info` names a
 *   `transactionalId`, else TOPIC_AUTHORIZATION_FAILED (29) when it names a `topic`,
 *   GROUP_AUTHORIZATION_FAILED (30) when it names a `group`, else CLUSTER_AUTHORIZATION_FAILED
 *   (31): Kafka's three answers to a missing right, per topic, per group and for the cluster.
 * - Errors that are not RivuletErrors become UNKNOWN_SERVER_ERROR (-1).
 */
import { type ErrorCode, RivuletError } from "../../core/errors.ts";

/** Kafka error codes Rivulet sends, by Kafka's name. */
export const kafkaErrors = {
  UNKNOWN_SERVER_ERROR: -1,
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  BROKER_NOT_AVAILABLE: 8,
  MESSAGE_TOO_LARGE: 10,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  INVALID_TOPIC_EXCEPTION: 17,
  RECORD_LIST_TOO_LARGE: 18,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  ILLEGAL_GENERATION: 22,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  UNSUPPORTED_SASL_MECHANISM: 33,
  ILLEGAL_SASL_STATE: 34,
  UNSUPPORTED_VERSION: 35,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_REPLICA_ASSIGNMENT: 39,
  INVALID_CONFIG: 40,
  NOT_CONTROLLER: 41,
  INVALID_REQUEST: 42,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  DUPLICATE_SEQUENCE_NUMBER: 46,
  INVALID_PRODUCER_EPOCH: 47,
  INVALID_TXN_STATE: 48,
  INVALID_PRODUCER_ID_MAPPING: 49,
  INVALID_TRANSACTION_TIMEOUT: 50,
  CONCURRENT_TRANSACTIONS: 51,
  TRANSACTION_COORDINATOR_FENCED: 52,
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 53,
  OPERATION_NOT_ATTEMPTED: 55,
  KAFKA_STORAGE_ERROR: 56,
  SASL_AUTHENTICATION_FAILED: 58,
  UNKNOWN_PRODUCER_ID: 59,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 75,
  MEMBER_ID_REQUIRED: 79,
  GROUP_MAX_SIZE_REACHED: 81,
  INVALID_RECORD: 87,
  PRODUCER_FENCED: 90,
  TRANSACTIONAL_ID_NOT_FOUND: 105,
} as const;

/** A Kafka error name Rivulet uses. */
export type KafkaErrorName = keyof typeof kafkaErrors;

/** Rivulet code → Kafka name. A `Record` over every code, so a new code must be mapped here. */
const byRivuletCode: Readonly<Record<ErrorCode, KafkaErrorName>> = {
  invalid_request: "INVALID_REQUEST",
  invalid_topic_name: "INVALID_TOPIC_EXCEPTION",
  invalid_config: "INVALID_CONFIG",
  invalid_record: "INVALID_RECORD",
  invalid_offset: "OFFSET_OUT_OF_RANGE",
  unsupported_media_type: "INVALID_REQUEST",
  record_too_large: "MESSAGE_TOO_LARGE",
  request_too_large: "MESSAGE_TOO_LARGE",
  too_many_records: "RECORD_LIST_TOO_LARGE",
  too_many_headers: "INVALID_RECORD",
  too_many_streams: "REQUEST_TIMED_OUT",
  unknown_topic: "UNKNOWN_TOPIC_OR_PARTITION",
  unknown_partition: "UNKNOWN_TOPIC_OR_PARTITION",
  topic_exists: "TOPIC_ALREADY_EXISTS",
  offset_out_of_range: "OFFSET_OUT_OF_RANGE",
  corrupt_record: "CORRUPT_MESSAGE",
  storage_error: "KAFKA_STORAGE_ERROR",
  partition_unavailable: "LEADER_NOT_AVAILABLE",
  partition_offline: "LEADER_NOT_AVAILABLE",
  mailbox_full: "REQUEST_TIMED_OUT",
  timeout: "REQUEST_TIMED_OUT",
  out_of_order_sequence: "OUT_OF_ORDER_SEQUENCE_NUMBER",
  producer_fenced: "INVALID_PRODUCER_EPOCH",
  invalid_producer_epoch: "INVALID_PRODUCER_EPOCH",
  invalid_txn_state: "INVALID_TXN_STATE",
  unknown_producer: "UNKNOWN_PRODUCER_ID",
  unknown_group: "UNKNOWN_MEMBER_ID",
  unknown_member: "UNKNOWN_MEMBER_ID",
  illegal_generation: "ILLEGAL_GENERATION",
  rebalance_in_progress: "REBALANCE_IN_PROGRESS",
  unauthorized: "SASL_AUTHENTICATION_FAILED",
  forbidden: "CLUSTER_AUTHORIZATION_FAILED",
  not_found: "UNKNOWN_TOPIC_OR_PARTITION",
  conflict: "INVALID_REQUEST",
  closed: "BROKER_NOT_AVAILABLE",
  actor_failed: "UNKNOWN_SERVER_ERROR",
  actor_restarting: "REQUEST_TIMED_OUT",
  too_many_members: "GROUP_MAX_SIZE_REACHED",
  too_many_groups: "INVALID_REQUEST",
  not_controller: "NOT_CONTROLLER",
  coordination_unavailable: "REQUEST_TIMED_OUT",
  revision_compacted: "UNKNOWN_SERVER_ERROR",
  fenced_leader_epoch: "FENCED_LEADER_EPOCH",
  unknown_leader_epoch: "UNKNOWN_LEADER_EPOCH",
  not_leader: "NOT_LEADER_OR_FOLLOWER",
  not_enough_replicas: "NOT_ENOUGH_REPLICAS",
  not_enough_replicas_after_append: "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
  concurrent_transactions: "CONCURRENT_TRANSACTIONS",
  invalid_producer_id_mapping: "INVALID_PRODUCER_ID_MAPPING",
  not_coordinator: "NOT_COORDINATOR",
  transaction_coordinator_fenced: "TRANSACTION_COORDINATOR_FENCED",
  invalid_transaction_timeout: "INVALID_TRANSACTION_TIMEOUT",
  invalid_replication_factor: "INVALID_REPLICATION_FACTOR",
  invalid_replica_assignment: "INVALID_REPLICA_ASSIGNMENT",
  unknown_broker: "INVALID_REPLICA_ASSIGNMENT",
  not_enough_brokers: "INVALID_REPLICATION_FACTOR",
  store_full: "UNKNOWN_SERVER_ERROR",
  invalid_topology: "INVALID_REQUEST",
  not_supported: "UNSUPPORTED_VERSION",
};

const nameByCode = new Map<number, KafkaErrorName>(
  Object.entries(kafkaErrors).map(([name, code]) => [code, name as KafkaErrorName]),
);

/**
 * The Kafka error code for a thrown value.
 *
 * @param error anything caught
 * @returns the mapped code for a RivuletError, else -1 (UNKNOWN_SERVER_ERROR)
 * @example
 * ```ts
 * kafkaErrorCode(new RivuletError("unknown_topic", "no such topic")); // 3
 * ```
 */
export function kafkaErrorCode(error: unknown): number {
  if (!(error instanceof RivuletError)) return kafkaErrors.UNKNOWN_SERVER_ERROR;
  if (error.code === "forbidden") return kafkaErrors[forbiddenName(error.info)];
  return kafkaErrors[byRivuletCode[error.code]] ?? kafkaErrors.UNKNOWN_SERVER_ERROR;
}

/** What a `forbidden` error refused, by what its `info` names. */
function forbiddenName(info: Record<string, unknown>): KafkaErrorName {
  if (typeof info.transactionalId === "string") return "TRANSACTIONAL_ID_AUTHORIZATION_FAILED";
  if (typeof info.topic === "string") return "TOPIC_AUTHORIZATION_FAILED";
  if (typeof info.group === "string") return "GROUP_AUTHORIZATION_FAILED";
  return "CLUSTER_AUTHORIZATION_FAILED";
}

/**
 * {@link kafkaErrorCode}, except that a fenced producer gets PRODUCER_FENCED (90) from
 * `firstVersion` of the API on (KIP-588: InitProducerId v4, AddPartitionsToTxn, AddOffsetsToTxn
 * and EndTxn v2), and INVALID_PRODUCER_EPOCH (47) before, which older clients know.
 */
export function fencedErrorCode(error: unknown, version: number, firstVersion: number): number {
  const code = kafkaErrorCode(error);
  return code === kafkaErrors.INVALID_PRODUCER_EPOCH && version >= firstVersion ? kafkaErrors.PRODUCER_FENCED : code;
}

/** Kafka's name for a code Rivulet sends, or undefined. */
export function kafkaErrorName(code: number): KafkaErrorName | undefined {
  return nameByCode.get(code);
}
