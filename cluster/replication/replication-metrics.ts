/**
 * Replication counters of one broker, read by /metrics: ISR changes this broker made as leader,
 * follower-side truncations and fetch errors. Gauges (under-replicated partitions, replica lag)
 * are computed on demand by `ReplicaManagerImpl.metrics()`.
 */
export interface ReplicationMetrics {
  /** ISR shrinks this broker's partitions made (confirmed by the controller). */
  isrShrinks: number;
  /** ISR expansions this broker's partitions made (confirmed by the controller). */
  isrExpands: number;
  /** Truncations this broker made as a follower (to heal a diverged suffix). */
  truncations: number;
  /** Failed follower requests and per-partition errors from leaders. */
  fetchErrors: number;
}

/** Fresh counters. */
export function newReplicationMetrics(): ReplicationMetrics {
  return { isrShrinks: 0, isrExpands: 0, truncations: 0, fetchErrors: 0 };
}

/** A snapshot of replication on one broker: counters and gauges. */
export interface ReplicationSnapshot extends ReplicationMetrics {
  /** Partitions this broker leads. */
  leaderPartitions: number;
  /** Led partitions whose ISR is smaller than their replica set. */
  underReplicatedPartitions: number;
  /** Led partitions whose ISR is smaller than min.insync.replicas (acks=all refused). */
  underMinIsrPartitions: number;
  /** Per led partition and follower: records behind the leader's log end, and ms since it last caught up (-1: never). */
  replicaLag: { topic: string; partition: number; brokerId: number; lagRecords: number; lagMs: number }[];
  /** Largest lag over `replicaLag`. */
  maxLagRecords: number;
  maxLagMs: number;
  /** Set by a broker in an etcd cluster: leader elections its controller role made (Kafka's LeaderElectionRateAndTimeMs count). */
  leaderElections?: number;
  /** Set by a broker in an etcd cluster: the cluster's partitions without a live leader, and with a short ISR, as its metadata shows them. */
  clusterLeaderlessPartitions?: number;
  clusterUnderReplicatedPartitions?: number;
}
