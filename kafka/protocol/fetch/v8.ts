/**
 * Fetch v8: same layout as v7 (the broker answers before throttling).
 *
 * ```
 * Fetch Request (Version: 8) => (same as v7)
 * Fetch Response (Version: 8) => (same as v7)
 * ```
 */
export { decodeRequest, encodeResponse } from "./v7.ts";
