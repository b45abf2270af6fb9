/**
 * How a clustered broker's transaction coordinators reach the rest of the cluster (Kafka's
 * TransactionStateManager over the replicated `__transaction_state`), the
 * {@link TransactionClusterRouting} its local broker is given once attached:
 *
 * - markers go to each partition's leader, here or over the transaction channel;
 * - a transactional batch for a partition here whose id another broker coordinates is verified
 *   there (KIP-890); a failure the producer retries is answered `not_enough_replicas`;
 * - a transaction's offsets travel between the id's coordinator and the groups' coordinator
 *   (the leader of `__consumer_offsets` partition 0);
 * - the local broker's programmatic transactional producers send each request to the broker
 *   holding its part (cluster-transaction-client.ts).
 *
 * Every call looks the leaders up in this broker's metadata when it is made; one made while a
 * leader moves fails with a retriable error.
 */
import { RivuletError } from "../../core/errors.ts";
import type { AppendBatchResult, TxnMarker } from "../../broker/types.ts";
import type { OffsetCommitEntry } from "../../broker/group-api.ts";
import { OFFSETS_TOPIC } from "../../groups/offset-log.ts";
import type { TransactionalRequest } from "../../transactions/transaction-coordinator.ts";
import type { TransactionCoordinators } from "../../transactions/transaction-coordinators.ts";
import type { TransactionClusterRouting } from "../../transactions/broker.ts";
import type { TransactionClient } from "../../transactions/transaction-client.ts";
import { TRANSACTION_STATE_TOPIC, transactionPartitionFor } from "../../transactions/transaction-log.ts";
import type { ClusterNode } from "./cluster-node.ts";
import { clusterTransactionClient } from "./cluster-transaction-client.ts";
import type { TxnInterBroker } from "./txn-inter-broker.ts";

/** A local broker whose transaction coordinators follow the cluster (the public `Broker`). */
export interface ClusterableTransactions {
  readonly transactions: TransactionCoordinators;
  useTransactionCluster(routing: TransactionClusterRouting): Promise<void>;
}

/** What the routing needs of the clustered broker. */
export interface TransactionClusterHost {
  node: ClusterNode;
  /** How the coordinators reach other brokers. */
  channel: TxnInterBroker;
  /** This broker's coordinators (those of the `__transaction_state` partitions it leads). */
  coordinators: TransactionCoordinators;
  /** Writes markers at partitions this broker leads (held back until it has taken its role). */
  writeHere(markers: TxnMarker[]): Promise<void>;
  /** The cluster's view of a topic. */
  topicConfig: TransactionClient["topicConfig"];
  /** A batch for a partition this broker leads (held back until it has taken its role). */
  appendHere(topic: string, partition: number, batch: Uint8Array): Promise<AppendBatchResult>;
}

type Endpoint = { host: string; port: number };

/** Verification failures a producer retries (Kafka answers them as NOT_ENOUGH_REPLICAS, KIP-890). */
const retriableVerification = new Set(["not_coordinator", "concurrent_transactions", "partition_unavailable", "timeout", "closed"]);

/**
 * The {@link TransactionClusterRouting} of a clustered broker.
 *
 * @example
 * ```ts
 * void local.useTransactionCluster(transactionClusterRouting({ node, channel, coordinators: local.transactions, ... }));
 * ```
 */
export function transactionClusterRouting(host: TransactionClusterHost): TransactionClusterRouting {
  const { node, channel, coordinators } = host;
  const writeTxnMarkers = markerWriter(host);
  return {
    writeTxnMarkers,
    partitions: () => node.cache.topic(TRANSACTION_STATE_TOPIC)?.replicas.length,
    partitionsOf: (topic) => node.cache.topic(topic)?.replicas.length,
    remoteProduceCheck: (request, topic, partition) => remoteProduceCheck(host, request, topic, partition),
    offsets: {
      coordinatesGroups: () => leaderOf(node, OFFSETS_TOPIC, 0) === node.brokerId,
      forward: async (request: TransactionalRequest, groupId: string, entries: OffsetCommitEntry[]): Promise<void> => {
        const endpoint = coordinatorEndpoint(node, request.transactionalId);
        if (!endpoint) throw new RivuletError("not_coordinator", `transactional id "${request.transactionalId}" has no live coordinator yet: retry`, { transactionalId: request.transactionalId });
        const code = await channel.txnOffsetCommit(endpoint, request, groupId, entries).catch(() => "not_coordinator" as const);
        if (code !== null) throw new RivuletError(code, `the transaction coordinator of "${request.transactionalId}" refused the offsets of group "${groupId}" (${code})`, { transactionalId: request.transactionalId });
      },
      commitElsewhere: async (txn: { producerId: number; producerEpoch: number; coordinatorEpoch: number }): Promise<boolean> => {
        if (leaderOf(node, OFFSETS_TOPIC, 0) === node.brokerId) return false;
        await writeTxnMarkers([{ topic: OFFSETS_TOPIC, partition: 0, ...txn, commit: true }]);
        return true;
      },
      abortElsewhere: async (txn: { producerId: number; producerEpoch: number; coordinatorEpoch: number }): Promise<void> => {
        if (leaderOf(node, OFFSETS_TOPIC, 0) === node.brokerId) return void (await coordinators.completeGroupOffsets(txn.producerId, txn.producerEpoch, false));
        await writeTxnMarkers([{ topic: OFFSETS_TOPIC, partition: 0, ...txn, commit: false }]);
      },
    },
    client: clusterTransactionClient({ node, channel, coordinators, topicConfig: host.topicConfig, appendHere: host.appendHere }),
  };
}

/** Writes markers at each partition's leader: those here through `writeHere`, the others over the channel, a call per leader. */
function markerWriter({ node, channel, writeHere }: TransactionClusterHost): (markers: TxnMarker[]) => Promise<void> {
  return async (markers) => {
    const byLeader = new Map<number, TxnMarker[]>();
    for (const marker of markers) {
      const leader = leaderOf(node, marker.topic, marker.partition);
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), marker]);
    }
    await Promise.all([...byLeader].map(async ([leader, list]) => {
      if (leader === node.brokerId) return writeHere(list);
      const endpoint = leader < 0 ? null : endpointOf(node, leader);
      if (!endpoint) throw new RivuletError("partition_unavailable", `${list[0].topic}/${list[0].partition} has no live leader to take its transaction marker yet`, { topic: list[0].topic, partition: list[0].partition });
      const answers = await channel.writeTxnMarkers(endpoint, list);
      const failed = answers.findIndex((code) => code !== null);
      if (failed >= 0) {
        const { topic, partition } = list[failed];
        throw new RivuletError(answers[failed]!, `broker ${leader} did not write the transaction marker of ${topic}/${partition} (${answers[failed]})`, { topic, partition, leader });
      }
    }));
  };
}

/**
 * KIP-890's check of a transactional batch for a partition here, asked of the id's coordinator
 * on another broker.
 *
 * @throws {RivuletError} `not_enough_replicas` (retriable) when the coordinator could not
 *   answer yet; the coordinator's code when it refused the batch
 */
async function remoteProduceCheck({ node, channel }: TransactionClusterHost, request: TransactionalRequest, topic: string, partition: number): Promise<void> {
  const endpoint = coordinatorEndpoint(node, request.transactionalId);
  let code: string | null;
  try {
    code = endpoint
      ? await channel.verify(endpoint, { transactionalId: request.transactionalId, producerId: request.producerId, producerEpoch: request.producerEpoch, topic, partition })
      : "not_coordinator";
  } catch {
    code = "partition_unavailable";
  }
  if (code === null) return;
  if (retriableVerification.has(code)) {
    throw new RivuletError("not_enough_replicas", `the transaction coordinator of "${request.transactionalId}" could not verify this batch yet (${code}): retry`, { topic, partition });
  }
  throw new RivuletError(code as "invalid_txn_state", `the transaction coordinator of "${request.transactionalId}" refused this batch for ${topic}/${partition} (${code})`, { transactionalId: request.transactionalId, topic, partition });
}

function leaderOf(node: ClusterNode, topic: string, partition: number): number {
  return node.cache.partition(topic, partition)?.leader ?? -1;
}

/** A live broker's Kafka listener, null when it has none or is not registered. */
function endpointOf(node: ClusterNode, brokerId: number): Endpoint | null {
  const broker = node.view.brokers().find((b) => b.id === brokerId && b.kafka_port !== null);
  return broker ? { host: broker.host, port: broker.kafka_port! } : null;
}

/** The Kafka listener of the broker coordinating `transactionalId`, null when that is this broker or none is known. */
function coordinatorEndpoint(node: ClusterNode, transactionalId: string): Endpoint | null {
  const partitions = node.cache.topic(TRANSACTION_STATE_TOPIC)?.replicas.length ?? 0;
  const leader = partitions > 0 ? leaderOf(node, TRANSACTION_STATE_TOPIC, transactionPartitionFor(transactionalId, partitions)) : -1;
  return leader >= 0 && leader !== node.brokerId ? endpointOf(node, leader) : null;
}
