/**
 * JoinGroup v3: same layout as v2 (the broker answers before throttling).
 *
 * ```
 * JoinGroup Request (Version: 3) => (same as v1)
 * JoinGroup Response (Version: 3) => (same as v2)
 * ```
 */
export { decodeRequest, encodeResponse } from "./v2.ts";
