/**
 * The controller's leader choices, as pure functions of a partition's state, its replica list
 * and the live brokers (Kafka's `PartitionLeaderElectionAlgorithms`, reduced to what Rivulet
 * needs). Every result raises the leader epoch when the leader changes; the caller writes it
 * with a compare-and-set on the state it read.
 *
 * - **Offline** (the leader is dead or there is none): the first replica, in replica order,
 *   that is live and in the ISR. The dead leader leaves the ISR. With none, the partition is
 *   leaderless (leader -1, the ISR kept) — unless the topic allows unclean election,
 *   when the first live replica leads with an ISR of itself (records only the old ISR had may
 *   be lost: Kafka's `unclean.leader.election.enable`).
 * - **Preferred** (the leader is live but not the first replica): the first replica takes over
 *   when it is live and in the ISR, i.e. back and caught up.
 */
import type { PartitionState } from "../membership/metadata-records.ts";

/** Why a partition's leader changes. */
export type ElectionKind = "offline" | "preferred" | "unclean";

/** A new state and why. */
export interface Election {
  kind: ElectionKind;
  state: PartitionState;
}

/**
 * The new state when the leader is gone (dead, or -1 while some ISR member is live again), or
 * null when nothing changes.
 *
 * @param unclean the topic's `unclean.leader.election.enable`
 */
export function electOffline(state: PartitionState, replicas: readonly number[], live: ReadonlySet<number>, unclean: boolean): Election | null {
  if (state.leader !== -1 && live.has(state.leader)) return null;
  const leader = replicas.find((id) => live.has(id) && state.isr.includes(id));
  if (leader !== undefined) {
    // The dead leader leaves the ISR: it may have lost its unflushed tail and must catch up again.
    return { kind: "offline", state: { leader, leader_epoch: state.leader_epoch + 1, isr: state.isr.filter((id) => id !== state.leader) } };
  }
  if (unclean) {
    const any = replicas.find((id) => live.has(id));
    if (any !== undefined) return { kind: "unclean", state: { leader: any, leader_epoch: state.leader_epoch + 1, isr: [any] } };
  }
  if (state.leader === -1) return null;
  // Leaderless. The ISR is kept whole (the dead leader included, as Kafka keeps its last ISR),
  // so the replica that had every acknowledged record leads again cleanly when it returns; the
  // epoch still moves, so the old leader's late writes are refused.
  return { kind: "offline", state: { leader: -1, leader_epoch: state.leader_epoch + 1, isr: state.isr } };
}

/** The new state moving leadership back to the preferred (first) replica, or null. */
export function electPreferred(state: PartitionState, replicas: readonly number[], live: ReadonlySet<number>): Election | null {
  const preferred = replicas[0];
  if (preferred === undefined || state.leader === preferred || state.leader === -1) return null;
  if (!live.has(preferred) || !state.isr.includes(preferred)) return null;
  return { kind: "preferred", state: { leader: preferred, leader_epoch: state.leader_epoch + 1, isr: state.isr } };
}
