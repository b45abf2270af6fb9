/**
 * What the front ends need to know about the cluster: who is in it, who controls it, who leads
 * each partition. A clustered broker reads it from its metadata cache ({@link ClusterNode});
 * a broker running alone answers with itself ({@link singleNodeView}).
 */

import type { ClusterAdminApi } from "./cluster-admin.ts";

/** A broker as `GET /v1/cluster` and Kafka Metadata show it. */
export interface ClusterBroker {
  id: number;
  host: string;
  /** HTTP port. */
  port: number;
  /** Kafka listener port; null when the broker has none. */
  kafka_port: number | null;
  /** `online`: registered under a live lease (brokers whose lease ended are not listed). */
  status: "online";
}

/** A partition's replicas and leadership. */
export interface PartitionLeadership {
  /** -1 when the partition has no leader. */
  leader: number;
  leader_epoch: number;
  replicas: number[];
  isr: number[];
}

/** The cluster as this broker sees it. */
export interface ClusterView {
  /** The cluster's name (`--cluster-name`), reported as its id. */
  readonly clusterId: string;
  /** This broker's id. */
  readonly brokerId: number;
  /** Whether this broker runs in a cluster (false: alone, leading everything). */
  readonly clustered: boolean;
  /** The controller's broker id, -1 while none is elected. */
  controllerId(): number;
  /** Live brokers in id order. */
  brokers(): ClusterBroker[];
  /** A partition's replicas and leadership; undefined when the cluster does not know it. */
  partition(topic: string, partition: number): PartitionLeadership | undefined;
  /** Partition moves, drain and rebalance (absent on a broker running alone). */
  readonly admin?: ClusterAdminApi;
  /** Every partition the cluster knows, with its leadership (a broker alone: none, so absent). */
  partitions?(): PartitionRef[];
}

/** A partition named, with its replicas and leadership. */
export type PartitionRef = PartitionLeadership & { topic: string; partition: number };

/**
 * The view of a broker running alone: one broker, its own controller and the leader of every
 * partition it has.
 */
export function singleNodeView(self: { brokerId?: number; host: string; port: number; kafkaPort?: number; clusterId?: string }): ClusterView {
  const id = self.brokerId ?? 1;
  return {
    clusterId: self.clusterId ?? "rivulet",
    brokerId: id,
    clustered: false,
    controllerId: () => id,
    brokers: () => [{ id, host: self.host, port: self.port, kafka_port: self.kafkaPort ?? null, status: "online" }],
    partition: () => undefined,
  };
}
