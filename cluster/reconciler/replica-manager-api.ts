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

export type { ReplicaManager, ReplicationEnv } from "../replication/replica-manager.ts";
