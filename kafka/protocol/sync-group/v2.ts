/**
 * SyncGroup v2: same layout as v1 (the broker answers before throttling).
 *
 * ```
 * SyncGroup Request (Version: 2) => (same as v0)
 * SyncGroup Response (Version: 2) => (same as v1)
 * ```
 */
export { decodeRequest, encodeResponse } from "./v1.ts";
