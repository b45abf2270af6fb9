/**
 * A clustered broker's programmatic transactional producers, sent where a Kafka client sends its
 * requests (transactions/transaction-client.ts): the transactional id's requests to its
 * coordinator, the leader of `__transaction_state` partition hash(id) % N; TxnOffsetCommit to
 * the groups' coordinator, the leader of `__consumer_offsets` partition 0; each transactional
 * batch to its partition's leader. Whatever this broker holds it answers itself; the rest goes
 * over the brokers' Kafka connection (the transaction channel, logged in as the inter-broker
 * user, over TLS when the listeners use it), batches as a Produce with the transactional id (the
 * leader checks each with the id's coordinator, KIP-890, as it does any client's).
 *
 * Each request looks the holder up in this broker's metadata when it is made; one made while
 * the holder moves fails with a retriable error (`not_coordinator`, `not_leader`), and the
 * producer tries again (withTransactionRetries), then reaching the new holder.
 */
import { RivuletError } from "../../core/errors.ts";
import type { AppendBatchResult } from "../../broker/types.ts";
import { OFFSETS_TOPIC } from "../../groups/offset-log.ts";
import type { TransactionClient } from "../../transactions/transaction-client.ts";
import type { TransactionCoordinators } from "../../transactions/transaction-coordinators.ts";
import { TRANSACTION_STATE_TOPIC, transactionPartitionFor } from "../../transactions/transaction-log.ts";
import type { ClusterNode } from "./cluster-node.ts";
import type { TxnInterBroker } from "./txn-inter-broker.ts";

/** What the client needs of the clustered broker. */
export interface ClusterTransactionClientHost {
  node: ClusterNode;
  channel: TxnInterBroker;
  /** This broker's coordinators (those of the `__transaction_state` partitions it leads). */
  coordinators: TransactionCoordinators;
  /** The cluster's view of a topic. */
  topicConfig: TransactionClient["topicConfig"];
  /** A batch for a partition this broker leads (held back until it has taken its role). */
  appendHere(topic: string, partition: number, batch: Uint8Array): Promise<AppendBatchResult>;
}

type Endpoint = { host: string; port: number };

/**
 * The {@link TransactionClient} of a clustered broker.
 *
 * @example
 * ```ts
 * local.useTransactionCluster({ ..., client: clusterTransactionClient({ node, channel, coordinators, ... }) });
 * ```
 */
export function clusterTransactionClient(host: ClusterTransactionClientHost): TransactionClient {
  const { node, channel, coordinators } = host;
  const leaderOf = (topic: string, partition: number) => node.cache.partition(topic, partition)?.leader ?? -1;
  const endpointOf = (brokerId: number, what: string): Endpoint => {
    const broker = node.view.brokers().find((b) => b.id === brokerId && b.kafka_port !== null);
    if (!broker) throw new RivuletError("not_coordinator", `broker ${brokerId}, the ${what}, is not registered: find it again`, { broker: brokerId });
    return { host: broker.host, port: broker.kafka_port! };
  };
  /** The id's coordinator: null for this broker, else its Kafka endpoint. */
  const coordinatorOf = (transactionalId: string): Endpoint | null => {
    const partitions = node.cache.topic(TRANSACTION_STATE_TOPIC)?.replicas.length ?? 0;
    if (partitions === 0) throw new RivuletError("not_coordinator", `${TRANSACTION_STATE_TOPIC} does not exist in the cluster yet: retry`, { transactionalId });
    const partition = transactionPartitionFor(transactionalId, partitions);
    const leader = leaderOf(TRANSACTION_STATE_TOPIC, partition);
    if (leader < 0) throw new RivuletError("not_coordinator", `partition ${partition} of ${TRANSACTION_STATE_TOPIC} has no leader, so "${transactionalId}" has no coordinator yet: retry`, { transactionalId, partition });
    return leader === node.brokerId ? null : endpointOf(leader, `coordinator of "${transactionalId}"`);
  };
  return {
    topicConfig: (topic) => host.topicConfig(topic),

    async initProducerId(options) {
      const at = coordinatorOf(options.transactionalId);
      return at ? channel.initProducerId(at, options.transactionalId, options.transactionTimeoutMs) : coordinators.initProducerId(options);
    },

    async addPartitions(request, partitions) {
      const at = coordinatorOf(request.transactionalId);
      return at ? channel.addPartitions(at, request, partitions) : coordinators.addPartitions(request, partitions);
    },

    async addOffsets(request, groupId) {
      const at = coordinatorOf(request.transactionalId);
      return at ? channel.addOffsets(at, request, groupId) : coordinators.addOffsets(request, groupId);
    },

    async endTxn(request, commit) {
      const at = coordinatorOf(request.transactionalId);
      return at ? channel.endTxn(at, request, commit) : coordinators.endTxn(request, commit);
    },

    // To the groups' coordinator, as a Kafka client sends it: it holds the offsets until the
    // transaction's marker and stages them at the id's coordinator (TransactionCoordinators.txnOffsetCommit).
    async txnOffsetCommit(request, groupId, offsets, member) {
      const leader = leaderOf(OFFSETS_TOPIC, 0);
      if (leader < 0) throw new RivuletError("not_coordinator", `${OFFSETS_TOPIC} has no leader, so group "${groupId}" has no coordinator yet: retry`, { group: groupId });
      if (leader === node.brokerId) return coordinators.txnOffsetCommit(request, groupId, offsets, member);
      let code: string | null;
      try {
        code = await channel.txnOffsetCommit(endpointOf(leader, `coordinator of group "${groupId}"`), request, groupId, offsets, member);
      } catch (error) {
        if (error instanceof RivuletError) throw error;
        code = "not_coordinator"; // the connection failed: find the group's coordinator again
      }
      if (code !== null) throw new RivuletError(code as "not_coordinator", `the coordinator of group "${groupId}" (broker ${leader}) refused the offsets of "${request.transactionalId}" (${code})`, { transactionalId: request.transactionalId, group: groupId });
    },

    // Produce at the leader, as a Kafka client does: the leader checks the batch with the id's coordinator (KIP-890).
    async appendBatch(topic, partition, batch, transactionalId) {
      const leader = node.view.partition(topic, partition)?.leader ?? -1;
      if (leader === node.brokerId) return host.appendHere(topic, partition, batch);
      const broker = leader < 0 ? undefined : node.view.brokers().find((b) => b.id === leader && b.kafka_port !== null);
      if (!broker) throw new RivuletError("not_leader", `${topic}/${partition} has no live leader yet: retry`, { topic, partition, leader });
      return channel.produce({ host: broker.host, port: broker.kafka_port! }, transactionalId, topic, partition, batch);
    },
  };
}
