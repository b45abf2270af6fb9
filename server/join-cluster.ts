/**
 * `serve --etcd`: the pieces that make one broker a member of a cluster, put together once its
 * HTTP and Kafka ports are bound (the registration advertises them).
 */
import { isRivuletError } from "../core/errors.ts";
import { defaultTopicConfig } from "../core/topic-config.ts";
import type { Limits } from "../core/limits.ts";
import type { BrokerApi } from "../broker/types.ts";
import { ClusterNode, type ClusterNodeOptions } from "../cluster/node/cluster-node.ts";
import { ClusteredBroker } from "../cluster/node/clustered-broker.ts";
import { localTopicConfig } from "../cluster/controller/cluster-topic-config.ts";
import type { InternalTopic } from "../cluster/controller/controller.ts";
import type { ReplicaManager, ReplicationEnv } from "../cluster/reconciler/replica-manager-api.ts";
import { type EpochBroker, UnreplicatedReplicas } from "../cluster/reconciler/unreplicated-replicas.ts";

/** `serve()`'s cluster options (`--etcd`, `--broker-id`, `--cluster-name`, `--advertised-host`). */
export interface ServeClusterOptions {
  /** etcd client URLs. */
  etcd: string | string[];
  brokerId: number;
  /** Cluster name (default "default"). */
  name?: string;
  /** The host other brokers and clients reach this one at (default: the bound host). */
  advertisedHost?: string;
  /**
   * Builds the broker's replica manager (cluster/replication). Default: roles and leader epochs
   * on the local replicas without copying data ({@link UnreplicatedReplicas}).
   */
  replicaManager?: (env: ReplicationEnv) => ReplicaManager;
  /**
   * With auth on, the auth file's principal brokers use with each other (`--inter-broker-user`):
   * cluster admin, with a clear token. serve() checks it and logs followers in with it (SCRAM-SHA-512)
   * and calls other brokers' HTTP ports with it as a bearer token.
   */
  interBrokerUser?: string;
  /** SASL credentials for follower fetches when auth is on (default: the inter-broker user's). */
  credentials?: ReplicationEnv["credentials"];
  onControllerEvent?: ClusterNodeOptions["onControllerEvent"];
  onReconcilerEvent?: ClusterNodeOptions["onReconcilerEvent"];
}

/** Starts the cluster membership of `local`, seen by the front ends through `facade`. */
export async function joinCluster(
  local: BrokerApi,
  facade: ClusteredBroker,
  options: ServeClusterOptions,
  where: { host: string; port: number; kafkaPort: number },
  limits?: Partial<Limits>,
): Promise<ClusterNode> {
  const replicaManager = options.replicaManager ?? ((_env: ReplicationEnv) => {
    if (typeof (local as Partial<EpochBroker>).becomeLeader !== "function") throw new TypeError("a clustered broker needs a replica manager or a local broker with becomeLeader");
    return new UnreplicatedReplicas(local as unknown as EpochBroker);
  });
  const node = await ClusterNode.start({
    etcd: Array.isArray(options.etcd) ? options.etcd : [options.etcd],
    cluster: options.name,
    broker: { id: options.brokerId, host: options.advertisedHost ?? where.host, port: where.port, kafka_port: where.kafkaPort },
    replicaManager,
    credentials: options.credentials,
    limits,
    onControllerEvent: options.onControllerEvent,
    onReconcilerEvent: options.onReconcilerEvent,
    onFenced: (why) => console.error(`rivulet: broker ${options.brokerId} fenced from the cluster (stopped leading, registering again): ${why.message}`),
    onRejoined: (epoch) => console.error(`rivulet: broker ${options.brokerId} registered again (broker epoch ${epoch})`),
    onDeadBroker: (event) => console.error(`rivulet: broker ${event.brokerId} refuses connections after its connection from broker ${options.brokerId} ended: revoked its lease (broker epoch ${event.epoch}) after ${Math.round(event.detectedMs)} ms instead of waiting for the lease TTL`),
    localTopics: {
      async ensureTopic(name, partitions, config) {
        try {
          await local.createTopic(name, { partitions, config: localTopicConfig(config), internal: true });
        } catch (error) {
          if (!isRivuletError(error, "topic_exists")) throw error;
        }
      },
      async deleteTopic(name) {
        try {
          await local.deleteTopic(name, { internal: true });
        } catch (error) {
          if (!isRivuletError(error, "unknown_topic")) throw error;
        }
      },
    },
    internalTopics: () => internalTopics(local),
  });
  facade.attach(node);
  return node;
}

/** The local broker's `__` topics, with the configs that differ from the defaults. */
async function internalTopics(local: BrokerApi): Promise<InternalTopic[]> {
  const names = (await local.listTopics({ internal: true })).filter((n) => n.startsWith("__"));
  return names.map((name) => {
    const { partitions, config } = local.topicConfig(name);
    const changed: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
      if (value !== (defaultTopicConfig as unknown as Record<string, unknown>)[key]) changed[key] = String(value);
    }
    return { name, partitions, config: changed };
  });
}
