/** CreatePartitions v1: same layout as v0. */
export { decodeRequest, encodeResponse } from "./v0.ts";
