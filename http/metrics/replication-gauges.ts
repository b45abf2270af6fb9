/**
 * Replication figures for `/metrics` in a cluster (Kafka's names in brackets): partitions led,
 * under-replicated partitions (UnderReplicatedPartitions), partitions under min ISR
 * (UnderMinIsrPartitionCount), ISR shrinks and expands (IsrShrinksPerSec, IsrExpandsPerSec, as
 * totals), follower truncations, replica fetch errors, and each follower's lag behind the leader
 * in records and in ms since it last caught up (-1: never). In an etcd cluster also: leader
 * elections made by this broker's controller role (LeaderElectionRateAndTimeMs, as a total) and
 * the cluster's offline (OfflinePartitionsCount) and under-replicated partitions as this broker's
 * metadata shows them.
 */
import type { ReplicationSnapshot } from "../../cluster/replication/replication-metrics.ts";
import type { PrometheusText } from "./prometheus-text.ts";

/** Writes one replication snapshot. */
export function writeReplication(out: PrometheusText, r: ReplicationSnapshot): void {
  out.sample("rivulet_leader_partitions", "gauge", "Partitions this broker leads", r.leaderPartitions);
  out.sample("rivulet_under_replicated_partitions", "gauge", "Led partitions whose ISR is smaller than their replica set", r.underReplicatedPartitions);
  out.sample("rivulet_under_min_isr_partitions", "gauge", "Led partitions whose ISR is below min.insync.replicas", r.underMinIsrPartitions);
  out.sample("rivulet_isr_shrinks_total", "counter", "ISR shrinks of partitions led here", r.isrShrinks);
  out.sample("rivulet_isr_expands_total", "counter", "ISR expansions of partitions led here", r.isrExpands);
  out.sample("rivulet_replica_truncations_total", "counter", "Truncations made here as a follower", r.truncations);
  out.sample("rivulet_replica_fetch_errors_total", "counter", "Failed follower fetches and partition errors from leaders", r.fetchErrors);
  out.sample("rivulet_replica_max_lag_records", "gauge", "Largest follower lag behind the leader, in records", r.maxLagRecords);
  out.sample("rivulet_replica_max_lag_ms", "gauge", "Largest time since a follower last caught up, in ms", r.maxLagMs);
  if (r.leaderElections !== undefined) out.sample("rivulet_leader_elections_total", "counter", "Leader elections the controller made while on this broker", r.leaderElections);
  if (r.clusterLeaderlessPartitions !== undefined) out.sample("rivulet_cluster_offline_partitions", "gauge", "Partitions of the cluster without a live leader", r.clusterLeaderlessPartitions);
  if (r.clusterUnderReplicatedPartitions !== undefined) out.sample("rivulet_cluster_under_replicated_partitions", "gauge", "Partitions of the cluster whose ISR is smaller than their replica set", r.clusterUnderReplicatedPartitions);
  const records = "Follower lag behind the leader's log end, in records";
  const ms = "Time since the follower last caught up with the leader, in ms (-1: never)";
  out.declare("rivulet_replica_lag_records", "gauge", records);
  out.declare("rivulet_replica_lag_ms", "gauge", ms);
  for (const lag of r.replicaLag) {
    const labels = { topic: lag.topic, partition: lag.partition, replica: lag.brokerId };
    out.sample("rivulet_replica_lag_records", "gauge", records, lag.lagRecords, labels);
    out.sample("rivulet_replica_lag_ms", "gauge", ms, lag.lagMs, labels);
  }
}
