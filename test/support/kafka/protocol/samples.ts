/**
 * One realistic request per implemented API version, encoded by kafkajs where it speaks the
 * version, else by @platformatic/kafka or built from the layout (`platformatic.ts`): the seeds
 * for truncation and bit-flip fuzzing. Tests only.
 */
import { Buffer } from "node:buffer";
import { apis, type ImplementedApi } from "../../../../kafka/protocol/apis.ts";
import { Writer } from "../../../../kafka/protocol/writer.ts";
import { kafkajsBody, kafkajsHas } from "./kafkajs.ts";
import { flexibleSample, pltBody } from "./platformatic.ts";
import { encodeRequest as encodeWriteTxnMarkersV0 } from "../../../../kafka/protocol/write-txn-markers/v0.ts";

const t0 = 1_700_000_000_000;

/**
 * An OffsetForLeaderEpoch request body written field by field (kafkajs has no encoder for it):
 * replica_id from v3, current_leader_epoch from v2.
 */
export function offsetForLeaderEpochBody(version: number, request: { replicaId: number; topics: { topic: string; partitions: { partition: number; currentLeaderEpoch: number; leaderEpoch: number }[] }[] }): Uint8Array {
  const w = new Writer();
  if (version >= 3) w.int32(request.replicaId);
  w.array(request.topics, (tw, t) => {
    tw.string(t.topic);
    tw.array(t.partitions, (pw, p) => {
      pw.int32(p.partition);
      if (version >= 2) pw.int32(p.currentLeaderEpoch);
      pw.int32(p.leaderEpoch);
    });
  });
  return w.toBytes();
}

/** kafkajs folder name and request arguments per API, or a hand-written body where kafkajs has no encoder. */
const sampleArgs: Record<ImplementedApi, [folder: string, args: object] | ((version: number) => Uint8Array)> = {
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
  DescribeConfigs: ["describeConfigs", { resources: [{ type: 2, name: "orders", configNames: ["retention.ms"] }], includeSynonyms: true }],
  CreatePartitions: ["createPartitions", { topicPartitions: [{ topic: "orders", count: 4, assignments: [[1]] }], timeout: 100, validateOnly: true }],
  SaslHandshake: ["saslHandshake", { mechanism: "SCRAM-SHA-512" }],
  OffsetForLeaderEpoch: (version) =>
    offsetForLeaderEpochBody(version, { replicaId: 1, topics: [{ topic: "orders", partitions: [{ partition: 0, currentLeaderEpoch: 3, leaderEpoch: 2 }] }] }),
  AddPartitionsToTxn: ["addPartitionsToTxn", { transactionalId: "tx", producerId: "7", producerEpoch: 2, topics: [{ topic: "orders", partitions: [0, 1] }] }],
  AddOffsetsToTxn: ["addOffsetsToTxn", { transactionalId: "tx", producerId: "7", producerEpoch: 2, groupId: "g" }],
  EndTxn: ["endTxn", { transactionalId: "tx", producerId: "7", producerEpoch: 2, transactionResult: true }],
  TxnOffsetCommit: ["txnOffsetCommit", { transactionalId: "tx", groupId: "g", producerId: "7", producerEpoch: 2, topics: [{ topic: "orders", partitions: [{ partition: 0, offset: "3", metadata: "md" }] }] }],
  WriteTxnMarkers: () => {
    const w = new Writer();
    encodeWriteTxnMarkersV0(w, { markers: [{ producerId: 7, producerEpoch: 2, committed: true, topics: [{ name: "orders", partitions: [0, 1] }], coordinatorEpoch: 4 }] });
    return w.toBytes();
  },
  DescribeTransactions: () => pltBody("describeTransactionsV0", ["tx", "ty"]),
  ListTransactions: () => pltBody("listTransactionsV0", ["Ongoing"], [7n]),
  SaslAuthenticate: ["saslAuthenticate", { authBytes: Buffer.concat([Buffer.from([0, 0, 0, 32]), Buffer.from("n,,n=user,r=rOprNGfwEbeRWgbNEkqO")]) }],
};

/** Versions whose request layout equals an older one kafkajs encodes (Kafka's message definitions). */
const sameRequestAs: Partial<Record<ImplementedApi, Record<number, number>>> = {
  OffsetFetch: { 5: 4 },
  CreateTopics: { 4: 3 },
  DeleteTopics: { 2: 1, 3: 1 },
  AddPartitionsToTxn: { 2: 1 },
  AddOffsetsToTxn: { 2: 1 },
  EndTxn: { 2: 1 },
};

/** A kafkajs-encoded request body for every implemented API version. */
export async function sampleBodies(): Promise<Array<{ api: ImplementedApi; version: number; body: Uint8Array }>> {
  const out: Array<{ api: ImplementedApi; version: number; body: Uint8Array }> = [];
  for (const api of Object.keys(apis) as ImplementedApi[]) {
    const sample = sampleArgs[api];
    for (const version of apis[api].versions.keys()) {
      if (typeof sample === "function") {
        out.push({ api, version, body: sample(version) });
        continue;
      }
      const [folder, args] = sample;
      const older = sameRequestAs[api]?.[version];
      const body = kafkajsHas(folder, version)
        ? await kafkajsBody(folder, version, args)
        : older !== undefined ? await kafkajsBody(folder, older, args) : flexibleSample(api, version);
      if (!body) throw new Error(`no sample request for ${api} v${version}`);
      out.push({ api, version, body });
    }
  }
  return out;
}
