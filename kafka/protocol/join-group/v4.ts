/**
 * JoinGroup v4: same layout as v2; a new member (empty member_id) may first be answered with
 * MEMBER_ID_REQUIRED (79) and its assigned member_id, then joins again with it (KIP-394).
 *
 * ```
 * JoinGroup Request (Version: 4) => (same as v1)
 * JoinGroup Response (Version: 4) => (same as v2)
 * ```
 */
export { decodeRequest, encodeResponse } from "./v2.ts";
