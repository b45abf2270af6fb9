/** InitProducerId v4: same layout as v3 (the broker may answer PRODUCER_FENCED). */
export { decodeRequest, encodeResponse } from "./v3.ts";
