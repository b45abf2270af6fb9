/**
 * A leader's change of its partition's ISR, written straight to etcd by compare-and-set.
 *
 * Kafka's leader sends AlterPartition to the controller, which checks the leader epoch and
 * partition epoch and writes the new ISR. Here etcd does the controller's check in one txn, so
 * no controller round trip is needed and a change of controller cannot lose the request:
 * - the state read shows this broker as leader **at the leader epoch asked for** (else
 *   `fenced_leader_epoch` for an older epoch, `unknown_leader_epoch` for a newer one);
 * - the txn compares the state key's **mod_revision** with the one read, so a concurrent
 *   change (an election, the controller removing a dead follower) makes it read again and
 *   decide on the new state;
 * - it compares this broker's registration's **create_revision** with its broker epoch, so a
 *   broker whose lease lapsed (and whose partitions the controller is about to move) cannot
 *   write;
 * - every broker **added** to the ISR must be registered (live): a dead broker is dropped
 *   from the request rather than written (Kafka refuses fenced brokers in an ISR, KIP-841).
 *
 * The leader epoch is not raised by an ISR change (as in Kafka).
 */
import { RivuletError } from "../../core/errors.ts";
import { bytesText } from "../etcd/etcd-bytes.ts";
import type { Compare, TxnOp } from "../etcd/etcd-types.ts";
import type { BrokerRegistration } from "../membership/broker-registration.ts";
import { type PartitionState, parsePartitionState, parseTopicRecord } from "../membership/metadata-records.ts";

/** Tries before giving up on a state that keeps changing under the write. */
const attemptsMax = 16;

/**
 * Sets the ISR of a partition this broker leads.
 *
 * @returns the ISR now in force (the request minus any broker that is not live) and the etcd
 *   revision that holds it (the leader ignores older states of the partition that arrive later)
 * @throws {RivuletError} `fenced_leader_epoch` / `unknown_leader_epoch` (not this broker's
 *   partition at that epoch), `unknown_partition`, `invalid_request` (an ISR without the leader
 *   or with a non-replica), `closed` (this broker is fenced), `conflict` (kept changing)
 * @example
 * ```ts
 * const { isr } = await alterIsr(registration, "orders", 0, { leaderEpoch: 3, isr: [1, 2] });
 * ```
 */
export async function alterIsr(registration: BrokerRegistration, topic: string, partition: number, request: { leaderEpoch: number; isr: number[] }): Promise<{ isr: number[]; revision: number }> {
  const keys = registration.keys;
  const me = registration.brokerId;
  const stateKey = keys.partition(topic, partition);
  let wanted = [...new Set(request.isr)];
  for (let attempt = 0; attempt < attemptsMax; attempt++) {
    if (registration.isFenced) throw new RivuletError("closed", `broker ${me} is fenced: its lease ended`);
    const read = await registration.client.txn({ compare: [], success: [{ range: { key: stateKey } }, { range: { key: keys.topic(topic) } }] });
    const [stateRead, topicRead] = read.responses.map((r) => ("range" in r ? r.range.kvs[0] : undefined));
    const state = stateRead ? parsePartitionState(bytesText(stateRead.value)) : null;
    const record = topicRead ? parseTopicRecord(bytesText(topicRead.value)) : null;
    const replicas = record?.replicas[partition];
    if (!stateRead || !state || !replicas) throw new RivuletError("unknown_partition", `partition ${topic}/${partition} is not in the cluster`, { topic, partition });
    checkLeader(state, me, request.leaderEpoch, topic, partition);
    if (!wanted.includes(me)) throw new RivuletError("invalid_request", `the ISR of ${topic}/${partition} must hold its leader ${me}`, { isr: wanted });
    const strangers = wanted.filter((id) => !replicas.includes(id));
    if (strangers.length > 0) throw new RivuletError("invalid_request", `brokers ${strangers.join(", ")} are not replicas of ${topic}/${partition}`, { replicas });
    if (sameMembers(wanted, state.isr)) return { isr: state.isr, revision: stateRead.modRevision };
    const added = wanted.filter((id) => !state.isr.includes(id));
    const compare: Compare[] = [
      { key: stateKey, target: "mod_revision", result: "equal", value: stateRead.modRevision },
      { key: keys.broker(me), target: "create_revision", result: "equal", value: registration.epoch },
      ...added.map((id): Compare => ({ key: keys.broker(id), target: "create_revision", result: "greater", value: 0 })),
    ];
    const next: PartitionState = { leader: me, leader_epoch: state.leader_epoch, isr: wanted };
    const failure: TxnOp[] = [keys.broker(me), ...added.map((id) => keys.broker(id))].map((key) => ({ range: { key, countOnly: true } }));
    const answer = await registration.client.txn({ compare, success: [{ put: { key: stateKey, value: JSON.stringify(next) } }], failure });
    if (answer.succeeded) return { isr: wanted, revision: answer.header.revision };
    const counts = answer.responses.map((r) => ("range" in r ? r.range.count : 0));
    if (counts[0] === 0) throw new RivuletError("closed", `broker ${me} is no longer registered: its lease ended`);
    const dead = added.filter((_, i) => counts[i + 1] === 0);
    wanted = wanted.filter((id) => !dead.includes(id));
  }
  throw new RivuletError("conflict", `the state of ${topic}/${partition} kept changing during ${attemptsMax} ISR updates`, { topic, partition });
}

function checkLeader(state: PartitionState, me: number, epoch: number, topic: string, partition: number): void {
  if (state.leader_epoch > epoch || (state.leader_epoch === epoch && state.leader !== me)) {
    throw new RivuletError("fenced_leader_epoch", `leader epoch ${epoch} of ${topic}/${partition} is over: epoch ${state.leader_epoch} is led by ${state.leader}`, {
      topic, partition, leader: state.leader, leader_epoch: state.leader_epoch,
    });
  }
  if (state.leader_epoch < epoch) {
    throw new RivuletError("unknown_leader_epoch", `leader epoch ${epoch} of ${topic}/${partition} is not in etcd yet (it has ${state.leader_epoch})`, {
      topic, partition, leader_epoch: state.leader_epoch,
    });
  }
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}
