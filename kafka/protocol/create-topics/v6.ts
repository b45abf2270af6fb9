/** CreateTopics v6: same layout as v5 (quota violations are reported differently). */
export { decodeRequest, encodeResponse } from "./v5.ts";
