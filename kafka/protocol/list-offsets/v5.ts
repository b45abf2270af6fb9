/**
 * ListOffsets v5: same layout as v4 (the broker may answer OFFSET_NOT_AVAILABLE while a new
 * leader catches up).
 */
export { decodeRequest, encodeResponse } from "./v4.ts";
