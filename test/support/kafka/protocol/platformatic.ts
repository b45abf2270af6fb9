/**
 * @platformatic/kafka's own request encoders and response parsers (its low-level `<api>V<n>`
 * modules), as the reference for flexible versions kafkajs does not speak, and request bodies
 * built field by field from Kafka's published layouts for the versions neither client encodes.
 * Tests only.
 */
import { Buffer } from "node:buffer";
import * as plt from "@platformatic/kafka";
import { Writer } from "../../../../kafka/protocol/writer.ts";
import type { ImplementedApi } from "../../../../kafka/protocol/apis.ts";

interface PltApi {
  createRequest(...args: unknown[]): { buffer: Buffer };
  parseResponse(correlationId: number, apiKey: number, apiVersion: number, reader: unknown): unknown;
}

/** A low-level module, e.g. `pltApi("metadataV9")`. */
export function pltApi(name: string): PltApi {
  const api = (plt as unknown as Record<string, PltApi | undefined>)[name];
  if (!api?.createRequest) throw new Error(`@platformatic/kafka has no ${name}`);
  return api;
}

/** A request body as @platformatic/kafka encodes it. */
export function pltBody(name: string, ...args: unknown[]): Uint8Array {
  return new Uint8Array(pltApi(name).createRequest(...args).buffer);
}

/** Parses one of our response bodies with @platformatic/kafka (throws on error codes, as it does). */
export function pltParse(name: string, apiKey: number, apiVersion: number, body: Uint8Array): unknown {
  return pltApi(name).parseResponse(0, apiKey, apiVersion, plt.Reader.from(Buffer.from(body)));
}

const t0 = 1_700_000_000_000n;

/** One realistic request per (api, version) that @platformatic/kafka encodes. */
const pltSamples: Partial<Record<ImplementedApi, Record<number, () => Uint8Array>>> = {
  ApiVersions: { 3: () => pltBody("apiVersionsV3", "rivulet-test", "1.0.0") },
  SaslAuthenticate: { 2: () => pltBody("saslAuthenticateV2", Buffer.from("\0user\0pencil")) },
  Metadata: { 9: () => pltBody("metadataV9", ["orders", "payments"], false, true) },
  Produce: Object.fromEntries([8, 9].map((v) => [v, () => pltBody(`produceV${v}`, -1, 1000, [{ topic: "orders", partition: 0, key: Buffer.from("k"), value: Buffer.from("v"), headers: new Map([[Buffer.from("h"), Buffer.from("1")]]), timestamp: t0 }])])),
  Fetch: { 12: () => pltBody("fetchV12", 100, 1, 1000, 0, 0, -1, [{ topicId: "orders", partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 5n, lastFetchedEpoch: -1, partitionMaxBytes: 100 }] }], [], "r") },
  ListOffsets: Object.fromEntries([4, 5, 6].map((v) => [v, () => pltBody(`listOffsetsV${Math.max(v, 5)}`, -1, 1, [{ name: "orders", partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }])])),
  OffsetCommit: { 8: () => pltBody("offsetCommitV8", "g", 1, "m", null, [{ name: "orders", partitions: [{ partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: "md" }] }]) },
  OffsetFetch: { 8: () => pltBody("offsetFetchV8", [{ groupId: "g", topics: [{ name: "orders", partitionIndexes: [0, 1] }] }], false) },
  FindCoordinator: { 4: () => pltBody("findCoordinatorV4", 0, ["g", "h"]) },
  JoinGroup: { 6: () => pltBody("joinGroupV6", "g", 1000, 2000, "", "i", "consumer", [{ name: "rr", metadata: Buffer.from([1, 2, 3]) }]) },
  SyncGroup: { 4: () => pltBody("syncGroupV4", "g", 1, "m", "i", "consumer", "rr", [{ memberId: "m", assignment: Buffer.from([9]) }]) },
  Heartbeat: { 4: () => pltBody("heartbeatV4", "g", 1, "m", "i") },
  LeaveGroup: { 4: () => pltBody("leaveGroupV4", "g", [{ memberId: "m", groupInstanceId: "i" }]) },
  DescribeGroups: { 5: () => pltBody("describeGroupsV5", ["g", "h"], true) },
  ListGroups: { 4: () => pltBody("listGroupsV4", ["Stable"]) },
  CreateTopics: Object.fromEntries([5, 6, 7].map((v) => [v, () => pltBody("createTopicsV7", [{ name: "t", numPartitions: 2, replicationFactor: 1, assignments: [{ partitionIndex: 0, brokerIds: [1] }], configs: [{ name: "a", value: "b" }] }], 100, false)])),
  DeleteTopics: { 6: () => pltBody("deleteTopicsV6", [{ name: "t" }], 100) },
  InitProducerId: Object.fromEntries([3, 4].map((v) => [v, () => pltBody(`initProducerIdV${v}`, null, 100, -1n, -1)])),
  DescribeConfigs: Object.fromEntries([3, 4].map((v) => [v, () => pltBody(`describeConfigsV${v}`, [{ resourceType: 2, resourceName: "orders", configurationKeys: ["retention.ms"] }], true, true)])),
  CreatePartitions: Object.fromEntries([2, 3].map((v) => [v, () => pltBody(`createPartitionsV${v}`, [{ name: "orders", count: 4, assignments: [{ brokerIds: [1] }] }], 100, false)])),
  AddPartitionsToTxn: {
    3: () => pltBody("addPartitionsToTxnV3", [{ transactionalId: "tx", producerId: 7n, producerEpoch: 2, topics: [{ name: "orders", partitions: [0, 1] }] }]),
    4: () => pltBody("addPartitionsToTxnV4", [{ transactionalId: "tx", producerId: 7n, producerEpoch: 2, verifyOnly: true, topics: [{ name: "orders", partitions: [0, 1] }] }]),
  },
  AddOffsetsToTxn: { 3: () => pltBody("addOffsetsToTxnV3", "tx", 7n, 2, "g") },
  EndTxn: { 3: () => pltBody("endTxnV3", "tx", 7n, 2, true) },
  TxnOffsetCommit: { 3: () => pltBody("txnOffsetCommitV3", "tx", "g", 7n, 2, 1, "m", null, [{ name: "orders", partitions: [{ partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: "md" }] }]) },
};

function built(fill: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  fill(w);
  return w.toBytes();
}

/** Requests built from Kafka's layouts for versions no client here encodes. */
const specSamples: Partial<Record<ImplementedApi, Record<number, () => Uint8Array>>> = {
  Metadata: {
    7: () => built((w) => w.nullableArray(["orders"], (x, t) => x.string(t)).boolean(true)),
    8: () => built((w) => w.nullableArray(["orders"], (x, t) => x.string(t)).boolean(true).boolean(false).boolean(true)),
  },
  OffsetCommit: {
    6: () => built((w) => w.string("g").int32(1).string("m").array([0], (x) => x.string("orders").array([0], (p) => p.int32(0).int64(3).int32(-1).nullableString("md")))),
    7: () => built((w) => w.string("g").int32(1).string("m").nullableString("i").array([0], (x) => x.string("orders").array([0], (p) => p.int32(0).int64(3).int32(-1).nullableString("md")))),
  },
  OffsetFetch: {
    6: () => built((w) => w.compactString("g").compactArray(["orders"], (x, t) => x.compactString(t).compactInt32Array([0, 1]).emptyTaggedFields()).emptyTaggedFields()),
    7: () => built((w) => w.compactString("g").compactNullableArray(null, () => {}).boolean(true).emptyTaggedFields()),
  },
  FindCoordinator: { 3: () => built((w) => w.compactString("g").int8(0).emptyTaggedFields()) },
  DescribeGroups: Object.fromEntries([3, 4].map((v) => [v, () => built((w) => w.stringArray(["g", "h"]).boolean(true))])),
  ListGroups: { 3: () => built((w) => w.emptyTaggedFields()) },
  DeleteTopics: Object.fromEntries([4, 5].map((v) => [v, () => built((w) => w.compactStringArray(["t", "u"]).int32(100).emptyTaggedFields())])),
  InitProducerId: { 2: () => built((w) => w.compactNullableString(null).int32(100).emptyTaggedFields()) },
  TxnOffsetCommit: { 2: () => built((w) => w.string("tx").string("g").int64(7).int16(2).array([0], (x) => x.string("orders").array([0], (p) => p.int32(0).int64(3).int32(-1).nullableString("md")))) },
};

/** A request body for (api, version) from @platformatic/kafka or built from the layout, if known. */
export function flexibleSample(api: ImplementedApi, version: number): Uint8Array | undefined {
  return (pltSamples[api]?.[version] ?? specSamples[api]?.[version])?.();
}
