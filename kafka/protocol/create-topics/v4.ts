/**
 * CreateTopics v4: same layout as v3 (num_partitions and replication_factor -1 take the
 * broker's defaults, which Rivulet accepts in every version).
 */
export { decodeRequest, encodeResponse } from "./v3.ts";
