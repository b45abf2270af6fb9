/**
 * Fetch v10: same layout as v9 (ZStandard-compressed batches may be returned).
 *
 * ```
 * Fetch Request (Version: 10) => (same as v9)
 * Fetch Response (Version: 10) => (same as v7)
 * ```
 */
export { decodeRequest, encodeResponse } from "./v9.ts";
