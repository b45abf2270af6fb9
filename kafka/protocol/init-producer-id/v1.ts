/**
 * InitProducerId v1: same layout as v0 (the broker answers before throttling).
 *
 * ```
 * InitProducerId Request (Version: 1) => transactional_id transaction_timeout_ms
 * InitProducerId Response (Version: 1) => throttle_time_ms error_code producer_id producer_epoch
 * ```
 */
export { decodeRequest, encodeResponse } from "./v0.ts";
