/**
 * ListTransactions v0 (flexible from v0).
 *
 * ```
 * ListTransactions Request (Version: 0) => [state_filters] [producer_id_filters] TAG_BUFFER
 *   state_filters => COMPACT_STRING
 *   producer_id_filters => INT64
 * ListTransactions Response (Version: 0) => throttle_time_ms error_code [unknown_state_filters] [transaction_states] TAG_BUFFER
 *   unknown_state_filters => COMPACT_STRING
 *   transaction_states => transactional_id producer_id transaction_state TAG_BUFFER
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { ListTransactionsRequest, ListTransactionsResponse } from "./types.ts";

export function decodeRequest(reader: Reader): ListTransactionsRequest {
  const stateFilters = reader.compactArray((r) => r.compactString(), 1);
  const producerIdFilters = reader.compactArray((r) => r.int64(), 8);
  reader.skipTaggedFields();
  return { stateFilters, producerIdFilters };
}

export function encodeResponse(writer: Writer, response: ListTransactionsResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode);
  writer.compactArray(response.unknownStateFilters, (w, s) => w.compactString(s));
  writer.compactArray(response.transactionStates, (w, s) => w.compactString(s.transactionalId).int64(s.producerId).compactString(s.transactionState).emptyTaggedFields());
  writer.emptyTaggedFields();
}
