/** AddOffsetsToTxn v2: same layout as v1; a fenced producer gets PRODUCER_FENCED (KIP-588). */
export { decodeRequest, encodeResponse } from "./v0.ts";
