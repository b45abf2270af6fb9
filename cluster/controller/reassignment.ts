/**
 * Moving a partition to other brokers (Kafka's reassignment, KIP-455), as pure functions of the
 * topic record and the partition's state; the controller writes their results with guarded
 * compare-and-set txns, so a move survives a change of controller (the next one reads it from
 * etcd and carries on).
 *
 * A move to `target` is stored in the topic record: `replicas[p]` becomes the full set (the
 * target first, then the brokers leaving), `adding_replicas[p]` the brokers joining,
 * `removing_replicas[p]` the brokers leaving. Then:
 * 1. the joining brokers follow the leader (the reconciler sees them in `replicas[p]`) and the
 *    leader adds each to the ISR once it has caught up;
 * 2. once every target broker is in the ISR, one txn completes the move: `replicas[p]` =
 *    target, the leaving brokers out of the ISR, and — when the leader itself leaves — the
 *    first live ISR member of the target leads at leader epoch + 1.
 * Records acknowledged before the move are on every ISR member, so on the target's too: nothing
 * acknowledged is lost, and a produce pauses only for the one change of leader (if any).
 */
import { RivuletError } from "../../core/errors.ts";
import type { PartitionState, TopicRecord } from "../membership/metadata-records.ts";

/** A partition's move as stored in its topic record. */
export interface PartitionMove {
  /** Where the partition is going, the preferred leader first. */
  target: number[];
  adding: number[];
  removing: number[];
}

/** The move of partition `p`, or null when it is not moving. */
export function moveOf(record: TopicRecord, p: number): PartitionMove | null {
  const adding = record.adding_replicas?.[String(p)];
  const removing = record.removing_replicas?.[String(p)];
  if (!adding && !removing) return null;
  const leaving = removing ?? [];
  return { target: (record.replicas[p] ?? []).filter((id) => !leaving.includes(id)), adding: adding ?? [], removing: leaving };
}

/** Where partition `p` is going: its move's target, or its replicas when it is not moving. */
export function targetOf(record: TopicRecord, p: number): number[] {
  return moveOf(record, p)?.target ?? [...(record.replicas[p] ?? [])];
}

/**
 * Checks a requested replica list for partition `partition` of `record`.
 *
 * @param registered the live brokers' ids
 * @returns the list as numbers
 * @throws {RivuletError} `unknown_partition`, `invalid_replica_assignment` (not a list of broker
 *   ids, a broker twice, a count other than the replication factor), `unknown_broker`
 */
export function checkTarget(record: TopicRecord, partition: number, target: unknown, registered: ReadonlySet<number>): number[] {
  if (!Number.isInteger(partition) || partition < 0 || partition >= record.replicas.length) {
    throw new RivuletError("unknown_partition", `topic ${record.name} has no partition ${partition} (it has ${record.replicas.length})`, { topic: record.name, partition });
  }
  if (!Array.isArray(target) || !target.every((id) => Number.isInteger(id) && id >= 0 && id <= 0x7fffffff)) {
    throw new RivuletError("invalid_replica_assignment", "replicas must be a list of broker ids (integers from 0 to 2^31-1)", { topic: record.name, partition });
  }
  const ids = target as number[];
  const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (twice.length > 0) {
    throw new RivuletError("invalid_replica_assignment", `replicas name broker ${twice[0]} more than once`, { topic: record.name, partition, replicas: ids });
  }
  const factor = targetOf(record, partition).length;
  if (ids.length !== factor) {
    throw new RivuletError("invalid_replica_assignment", `${record.name}/${partition} has replication factor ${factor}: give ${factor} replicas, not ${ids.length}`, {
      topic: record.name, partition, replication_factor: factor, replicas: ids,
    });
  }
  const unknown = ids.filter((id) => !registered.has(id));
  if (unknown.length > 0) {
    throw new RivuletError("unknown_broker", `broker${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not registered in the cluster`, {
      topic: record.name, partition, brokers: unknown,
    });
  }
  return [...ids];
}

/**
 * The record and state with partition `p` starting a move to `target` (checked by
 * {@link checkTarget}). A new target replaces a move in progress: the partition is then moving
 * from what it held before that move. A target equal (in order) to the current one only
 * reorders: the record takes it at once and nothing moves.
 */
export function startMove(record: TopicRecord, p: number, target: readonly number[], state: PartitionState): { record: TopicRecord; state: PartitionState } {
  const current = moveOf(record, p);
  const original = current ? record.replicas[p].filter((id) => !current.adding.includes(id)) : [...record.replicas[p]];
  // The leader leaves only through the completing txn, never by a record that drops it.
  if (state.leader >= 0 && !original.includes(state.leader) && !target.includes(state.leader) && record.replicas[p].includes(state.leader)) original.push(state.leader);
  const adding = target.filter((id) => !original.includes(id));
  const removing = original.filter((id) => !target.includes(id));
  const full = [...target, ...removing];
  const next = withPartition(record, p, full, adding, removing);
  return { record: next, state: { leader: state.leader, leader_epoch: state.leader_epoch, isr: state.isr.filter((id) => full.includes(id)) } };
}

/** What the controller writes next for a moving partition. */
export interface MoveStep {
  record: TopicRecord;
  state: PartitionState;
  /** True when the leader left with the move (the state's epoch is one higher). */
  leaderChanged: boolean;
}

/**
 * The txn completing partition `p`'s move, or null while it must wait (some target broker is
 * not in the ISR yet, or the partition has no leader, or no live target broker can lead).
 */
export function completeMove(record: TopicRecord, p: number, state: PartitionState, live: ReadonlySet<number>): MoveStep | null {
  const move = moveOf(record, p);
  if (!move || state.leader === -1) return null;
  if (!move.target.every((id) => state.isr.includes(id))) return null;
  let leader = state.leader;
  let epoch = state.leader_epoch;
  if (!move.target.includes(leader)) {
    const next = move.target.find((id) => live.has(id) && state.isr.includes(id));
    if (next === undefined) return null;
    leader = next;
    epoch++;
  }
  return {
    record: withPartition(record, p, move.target, [], []),
    state: { leader, leader_epoch: epoch, isr: state.isr.filter((id) => move.target.includes(id)) },
    leaderChanged: leader !== state.leader,
  };
}

/** A copy of `record` with partition `p`'s replicas and move set (empty lists: no move). */
function withPartition(record: TopicRecord, p: number, replicas: number[], adding: number[], removing: number[]): TopicRecord {
  const next: TopicRecord = { name: record.name, replicas: record.replicas.map((row, i) => (i === p ? [...replicas] : [...row])), config: { ...record.config } };
  const addingMap = { ...record.adding_replicas };
  const removingMap = { ...record.removing_replicas };
  delete addingMap[String(p)];
  delete removingMap[String(p)];
  if (adding.length > 0 || removing.length > 0) {
    addingMap[String(p)] = [...adding];
    removingMap[String(p)] = [...removing];
  }
  if (Object.keys(addingMap).length > 0) next.adding_replicas = addingMap;
  if (Object.keys(removingMap).length > 0) next.removing_replicas = removingMap;
  return next;
}
