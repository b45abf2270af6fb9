/**
 * DescribeTransactions v0 (flexible from v0).
 *
 * ```
 * DescribeTransactions Request (Version: 0) => [transactional_ids] TAG_BUFFER
 *   transactional_ids => COMPACT_STRING
 * DescribeTransactions Response (Version: 0) => throttle_time_ms [transaction_states] TAG_BUFFER
 *   transaction_states => error_code transactional_id transaction_state transaction_timeout_ms transaction_start_time_ms producer_id producer_epoch [topics] TAG_BUFFER
 *     error_code => INT16
 *     transactional_id, transaction_state => COMPACT_STRING
 *     transaction_timeout_ms => INT32
 *     transaction_start_time_ms, producer_id => INT64
 *     producer_epoch => INT16
 *     topics => topic [partitions] TAG_BUFFER
 *       topic => COMPACT_STRING
 *       partitions => INT32
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { DescribeTransactionsRequest, DescribeTransactionsResponse } from "./types.ts";

export function decodeRequest(reader: Reader): DescribeTransactionsRequest {
  const transactionalIds = reader.compactArray((r) => r.compactString(), 1);
  reader.skipTaggedFields();
  return { transactionalIds };
}

export function encodeResponse(writer: Writer, response: DescribeTransactionsResponse): void {
  writer.int32(response.throttleTimeMs);
  writer.compactArray(response.transactionStates, (w, s) => {
    w.int16(s.errorCode).compactString(s.transactionalId).compactString(s.transactionState).int32(s.transactionTimeoutMs);
    w.int64(s.transactionStartTimeMs).int64(s.producerId).int16(s.producerEpoch);
    w.compactArray(s.topics, (tw, t) => tw.compactString(t.topic).compactInt32Array(t.partitions).emptyTaggedFields());
    w.emptyTaggedFields();
  });
  writer.emptyTaggedFields();
}
