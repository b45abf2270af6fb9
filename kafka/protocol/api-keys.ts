/**
 * Kafka API keys Rivulet knows, and the first version of each that is "flexible" (compact
 * strings and arrays, tagged fields, request header v2). Flexibility is known for versions
 * Rivulet does not implement too, so the listener can read the header of any request and answer
 * an unsupported ApiVersions version the way clients expect (see `header.ts`).
 */

/** API keys by name. */
export const apiKeys = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  OffsetForLeaderEpoch: 23,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  WriteTxnMarkers: 27,
  TxnOffsetCommit: 28,
  DescribeConfigs: 32,
  SaslAuthenticate: 36,
  CreatePartitions: 37,
  DescribeTransactions: 65,
  ListTransactions: 66,
} as const;

/** An API name Rivulet knows. */
export type ApiName = keyof typeof apiKeys;

/** First flexible version per API key, from Kafka's message definitions ("flexibleVersions"). */
const firstFlexibleVersion: Readonly<Record<number, number>> = {
  0: 9, 1: 12, 2: 6, 3: 9, 8: 8, 9: 6, 10: 3, 11: 6, 12: 4, 13: 4, 14: 4, 15: 5, 16: 3,
  18: 3, 19: 5, 20: 4, 21: 2, 22: 2, 23: 4, 24: 3, 25: 3, 26: 3, 27: 1, 28: 3, 32: 4, 36: 2, 37: 2, 65: 0, 66: 0,
};

/** True when `apiVersion` of `apiKey` uses compact types and tagged fields. Unknown keys: false. */
export function isFlexible(apiKey: number, apiVersion: number): boolean {
  const first = firstFlexibleVersion[apiKey];
  return first !== undefined && apiVersion >= first;
}
