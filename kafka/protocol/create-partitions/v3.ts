/** CreatePartitions v3: same layout as v2. */
export { decodeRequest, encodeResponse } from "./v2.ts";
