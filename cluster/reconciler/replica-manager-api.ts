/**
 * The data plane as the reconciler drives it: one broker's replicas, told what to be by the
 * controller's word in etcd. The implementation (follower fetch, high watermark, ISR, acks=all)
 * lives in cluster/replication; these declarations are the contract between the two, kept
 * structurally identical to it so either side compiles against the other.
 *
 * Contract the reconciler keeps (see {@link ./replica-reconciler.ts}):
 * - calls for one partition are made one at a time, in the order of the states in etcd, and a
 *   state older (lower leader epoch, or same epoch and older etcd revision) than one already
 *   applied is never passed;
 * - `becomeLeader` is called again at the **same** epoch when the ISR in etcd changed without a
 *   change of leader (the controller removed a dead follower, or the leader's own
 *   {@link ReplicationEnv.alterIsr} landed): the leader takes the new ISR, nothing else changes;
 * - `becomeFollower` with `leader: -1`: the partition has no leader now (leaderless: no live ISR
 *   member); stop fetching and wait for the next call;
 * - a fenced broker (lease lapsed) gets `stopReplica(…, { deleteData: false })` for everything
 *   it leads, at once; after it registers anew, a new reconciler tells it every role again from
 *   the current states (the same epoch as before may come again: take it as the current one);
 * - `stopReplica(…, { deleteData: true })` when the topic is deleted or the replica moved away.
 */

/** One broker's replicas, driven by the reconciler. */
export interface ReplicaManager {
  /** Leads the partition at `leaderEpoch` with these replicas and ISR (the controller's word). Opens the local replica if needed. */
  becomeLeader(topic: string, partition: number, state: { leaderEpoch: number; replicas: number[]; isr: number[] }): Promise<void>;
  /** Follows `leader` at `leaderEpoch`: truncates by OffsetsForLeaderEpoch (never blindly to the HW), then fetches. */
  becomeFollower(topic: string, partition: number, state: { leaderEpoch: number; leader: number; replicas: number[] }): Promise<void>;
  /** Stops replicating (and, with deleteData, removes) the local replica. */
  stopReplica(topic: string, partition: number, options: { deleteData: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** What a ReplicaManager needs from the cluster. */
export interface ReplicationEnv {
  brokerId: number;
  /** Where another broker's Kafka listener is (from the metadata cache). */
  endpoint(brokerId: number): { host: string; port: number } | undefined;
  /** The leader asks for an ISR change; resolves with the ISR now in force (etcd's compare-and-set decides) or rejects with a typed error when its epoch is stale. */
  alterIsr(topic: string, partition: number, request: { leaderEpoch: number; isr: number[] }): Promise<{ isr: number[] }>;
  /** SASL credentials for follower fetches when auth is on. */
  credentials?: { mechanism: "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512"; username: string; password: string };
}
