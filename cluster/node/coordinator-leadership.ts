/**
 * A clustered broker's coordinators following the leaders of their internal topics:
 *
 * - consumer groups (Kafka's GroupMetadataManager over the replicated `__consumer_offsets`):
 *   this broker coordinates the groups while it leads partition 0;
 * - transactions (Kafka's TransactionStateManager over the replicated `__transaction_state`):
 *   this broker coordinates the transactional ids of the partitions it leads (coordinator epoch
 *   = the partition's leader epoch).
 *
 * Contract: a coordinator takes a partition from the moment this broker's reconciler applied
 * the leader role at the metadata's leader epoch (it then loads the partition afresh) until the
 * metadata names another leader (it drops what it holds and answers `not_coordinator`). Each
 * follower looks again at every metadata change, after the reconciler's own listener has taken
 * it (it runs in the same emission), and returns the function that stops it.
 */
import type { TransactionCoordinators } from "../../transactions/transaction-coordinators.ts";
import { TRANSACTION_STATE_TOPIC } from "../../transactions/transaction-log.ts";
import { OFFSETS_TOPIC } from "../../groups/offset-log.ts";
import type { ClusterNode } from "./cluster-node.ts";

/** A local group coordinator that follows the cluster (groups/group-coordinator.ts). */
export interface ClusterableGroups {
  useCluster(): void;
  becomeLeader(leaderEpoch: number): void;
  resign(): void;
}

/**
 * Has `groups` coordinate while this broker leads `__consumer_offsets` partition 0.
 *
 * @returns the function that stops following
 * @example
 * ```ts
 * const stop = followGroupLeadership(node, broker.groups);
 * ```
 */
export function followGroupLeadership(node: ClusterNode, groups: ClusterableGroups): () => void {
  groups.useCluster();
  return followMetadata(node, () => {
    const state = node.cache.partition(OFFSETS_TOPIC, 0);
    if (state?.leader === node.brokerId) void whenLeaderApplied(node, OFFSETS_TOPIC, 0, state.leader_epoch, () => groups.becomeLeader(state.leader_epoch)).catch(() => {});
    else groups.resign();
  });
}

/**
 * Has `coordinators` coordinate the `__transaction_state` partitions this broker leads.
 *
 * @returns the function that stops following
 * @example
 * ```ts
 * const stop = followTransactionLeadership(node, broker.transactions);
 * ```
 */
export function followTransactionLeadership(node: ClusterNode, coordinators: TransactionCoordinators): () => void {
  return followMetadata(node, () => {
    const count = node.cache.topic(TRANSACTION_STATE_TOPIC)?.replicas.length ?? 0;
    for (let p = 0; p < count; p++) {
      const state = node.cache.partition(TRANSACTION_STATE_TOPIC, p);
      if (state?.leader === node.brokerId) void whenLeaderApplied(node, TRANSACTION_STATE_TOPIC, p, state.leader_epoch, () => coordinators.becomeLeader(p, state.leader_epoch)).catch(() => {});
      else void coordinators.resign(p);
    }
    for (const { partition } of coordinators.owned()) if (partition >= count) void coordinators.resign(partition);
  });
}

/** Runs `sync` now and after every metadata change (after the reconciler's own listener has taken it: it runs in the same emission). */
function followMetadata(node: ClusterNode, sync: () => void): () => void {
  const off = node.cache.onChange(() => queueMicrotask(sync));
  sync();
  return off;
}

/** Calls `lead` once the reconciler has settled the partition, if it applied the leader role at `epoch` and the metadata still names this broker leader at it. */
async function whenLeaderApplied(node: ClusterNode, topic: string, partition: number, epoch: number, lead: () => void): Promise<void> {
  const reconciler = node.reconciler;
  await reconciler.settledFor(topic, partition);
  const applied = reconciler.applied(topic, partition);
  const state = node.cache.partition(topic, partition);
  if (applied?.role === "leader" && applied.epoch === epoch && state?.leader === node.brokerId && state.leader_epoch === epoch) lead();
}
