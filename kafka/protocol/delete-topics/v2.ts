/** DeleteTopics v2: same layout as v1. */
export { decodeRequest, encodeResponse } from "./v1.ts";
