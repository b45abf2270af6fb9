/**
 * One realistic request per implemented API version, encoded by kafkajs: the seeds for
 * truncation and bit-flip fuzzing. Tests only.
 */
import { Buffer } from "node:buffer";
import { apis, type ImplementedApi } from "../../../../kafka/protocol/apis.ts";
import { kafkajsBody } from "./kafkajs.ts";

const t0 = 1_700_000_000_000;

/** kafkajs folder name and request arguments per API. */
const sampleArgs: Record<ImplementedApi, [folder: string, args: object]> = {
  ApiVersions: ["apiVersions", {}],
  Metadata: ["metadata", { topics: ["orders", "payments"], allowAutoTopicCreation: false }],
  Produce: ["produce", { acks: -1, timeout: 1000, topicData: [{ topic: "orders", partitions: [{ partition: 0, messages: [{ key: "k", value: "v", headers: { h: "1" }, timestamp: t0 }] }] }] }],
  Fetch: ["fetch", { replicaId: -1, maxWaitTime: 100, minBytes: 1, maxBytes: 1000, topics: [{ topic: "orders", partitions: [{ partition: 0, fetchOffset: 5, maxBytes: 100 }] }], forgottenTopics: [{ topic: "x", partitions: [1] }], rackId: "r" }],
  ListOffsets: ["listOffsets", { replicaId: -1, isolationLevel: 1, topics: [{ topic: "orders", partitions: [{ partition: 0, timestamp: -1 }] }] }],
  OffsetCommit: ["offsetCommit", { groupId: "g", groupGenerationId: 1, memberId: "m", retentionTime: -1, topics: [{ topic: "orders", partitions: [{ partition: 0, offset: "3", metadata: "md" }] }] }],
  OffsetFetch: ["offsetFetch", { groupId: "g", topics: [{ topic: "orders", partitions: [{ partition: 0 }] }] }],
  FindCoordinator: ["findCoordinator", { groupId: "g", coordinatorKey: "g", coordinatorType: 0 }],
  JoinGroup: ["joinGroup", { groupId: "g", sessionTimeout: 1000, rebalanceTimeout: 2000, memberId: "", groupInstanceId: "i", protocolType: "consumer", groupProtocols: [{ name: "rr", metadata: Buffer.from([1, 2, 3]) }] }],
  Heartbeat: ["heartbeat", { groupId: "g", groupGenerationId: 1, memberId: "m", groupInstanceId: "i" }],
  LeaveGroup: ["leaveGroup", { groupId: "g", memberId: "m", members: [{ memberId: "m", groupInstanceId: "i" }] }],
  SyncGroup: ["syncGroup", { groupId: "g", generationId: 1, memberId: "m", groupInstanceId: "i", groupAssignment: [{ memberId: "m", memberAssignment: Buffer.from([9]) }] }],
  DescribeGroups: ["describeGroups", { groupIds: ["g", "h"] }],
  ListGroups: ["listGroups", {}],
  CreateTopics: ["createTopics", { topics: [{ topic: "t", numPartitions: 2, replicationFactor: 1, replicaAssignment: [{ partition: 0, replicas: [1] }], configEntries: [{ name: "a", value: "b" }] }], timeout: 100, validateOnly: false }],
  DeleteTopics: ["deleteTopics", { topics: ["t"], timeout: 100 }],
  InitProducerId: ["initProducerId", { transactionalId: "tx", transactionTimeout: 100 }],
  SaslHandshake: ["saslHandshake", { mechanism: "SCRAM-SHA-512" }],
  SaslAuthenticate: ["saslAuthenticate", { authBytes: Buffer.concat([Buffer.from([0, 0, 0, 32]), Buffer.from("n,,n=user,r=rOprNGfwEbeRWgbNEkqO")]) }],
};

/** A kafkajs-encoded request body for every implemented API version. */
export async function sampleBodies(): Promise<Array<{ api: ImplementedApi; version: number; body: Uint8Array }>> {
  const out: Array<{ api: ImplementedApi; version: number; body: Uint8Array }> = [];
  for (const api of Object.keys(apis) as ImplementedApi[]) {
    const [folder, args] = sampleArgs[api];
    for (const version of apis[api].versions.keys()) out.push({ api, version, body: await kafkajsBody(folder, version, args) });
  }
  return out;
}
