/**
 * What `/health` says about a cluster, read from one broker's metadata: partitions whose ISR is
 * smaller than their replica set (under-replicated: still served, one more failure from
 * unavailable or from refusing acks=all) and partitions without a live leader (leaderless:
 * nothing reads or writes them until the controller elects one). The lists cover the whole cluster, so every broker answers alike; the
 * broker is not ready (503) while a partition it holds a replica of is leaderless, or while it
 * is still joining the cluster.
 */
import type { ClusterView, PartitionRef } from "./cluster-view.ts";

/** A partition as `/health` lists it. */
export interface HealthPartition {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/** The cluster part of `/health`. */
export interface ClusterHealth {
  /** False while the broker is still joining its cluster (it serves nothing yet). */
  joined: boolean;
  brokerId: number;
  underReplicatedCount: number;
  leaderlessCount: number;
  /** The first `listMax` of each, in topic and partition order. */
  underReplicated: HealthPartition[];
  leaderless: HealthPartition[];
  /** Leaderless partitions with a replica on this broker. */
  leaderlessHereCount: number;
}

const shown = (p: PartitionRef): HealthPartition => ({ topic: p.topic, partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr });

/**
 * Reads the cluster's health from `view`.
 *
 * @param listMax the longest list of partitions given by name (counts cover them all)
 */
export function clusterHealth(view: ClusterView, listMax: number): ClusterHealth {
  const all = [...(view.partitions?.() ?? [])].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  // A leader whose lease has ended (gone from the live brokers) leads nothing until the controller elects another.
  const live = new Set(view.brokers().map((b) => b.id));
  const leaderless = all.filter((p) => p.leader < 0 || !live.has(p.leader));
  const underReplicated = all.filter((p) => p.leader >= 0 && p.isr.length < p.replicas.length);
  return {
    joined: view.brokerId >= 0,
    brokerId: view.brokerId,
    underReplicatedCount: underReplicated.length,
    leaderlessCount: leaderless.length,
    underReplicated: underReplicated.slice(0, listMax).map(shown),
    leaderless: leaderless.slice(0, listMax).map(shown),
    leaderlessHereCount: leaderless.filter((p) => p.replicas.includes(view.brokerId)).length,
  };
}
