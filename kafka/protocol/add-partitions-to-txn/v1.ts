/** AddPartitionsToTxn v1: same layout as v0 (the broker answers before throttling). */
export { decodeRequest, encodeResponse } from "./v0.ts";
