/**
 * The controller's leadership writes, made after every metadata change for each partition: a
 * dead or missing leader is replaced from the ISR ({@link electOffline}); a dead follower
 * leaves the ISR (as Kafka's controller does for a fenced broker, so a broker that returns must
 * catch up before it can be elected); a live preferred replica back in the ISR leads again
 * ({@link electPreferred}), except while the partition moves (the move's end chooses the
 * leader).
 *
 * Each change is a compare-and-set on the state's mod_revision; one that loses the race is
 * recomputed from the newer state on the next change.
 */
import type { Versioned } from "../membership/metadata-cache.ts";
import type { PartitionState, TopicRecord } from "../membership/metadata-records.ts";
import { type Election, electOffline, electPreferred } from "./leader-election.ts";
import { allowsUncleanElection } from "./cluster-topic-config.ts";
import { moveOf } from "./reassignment.ts";
import type { ControllerContext } from "./controller-context.ts";

/**
 * Writes the change each partition of `topic` needs, one txn a partition; stops when the term ends.
 *
 * @param states the topic's partition states as the cache has them
 * @param live the registered brokers' ids
 * @throws {RivuletError} `not_controller` once this broker is deposed; etcd's errors
 * @example
 * ```ts
 * await writeLeaderChanges(context, topic, cache.partitions(topic.name), live);
 * ```
 */
export async function writeLeaderChanges(context: ControllerContext, topic: Versioned<TopicRecord>, states: ReadonlyMap<number, Versioned<PartitionState>>, live: ReadonlySet<number>): Promise<void> {
  const { cache } = context;
  for (let p = 0; p < topic.replicas.length; p++) {
    const state = states.get(p);
    if (!state || context.signal()?.aborted) continue;
    const change = nextChange(state, topic, p, live);
    if (!change) continue;
    // The new leader must still be the live broker the cache saw (same broker epoch) when the
    // txn commits, so a leader that died a moment ago is never elected.
    const leader = change.state.leader >= 0 ? cache.broker(change.state.leader) : undefined;
    const answer = await context.election.controllerTxn({
      compare: [
        { key: cache.keys.partition(topic.name, p), target: "mod_revision", result: "equal", value: state.mod_revision },
        ...(leader ? [{ key: cache.keys.broker(leader.id), target: "create_revision" as const, result: "equal" as const, value: leader.epoch }] : []),
      ],
      success: [{ put: { key: cache.keys.partition(topic.name, p), value: JSON.stringify(change.state) } }],
    });
    if (answer.succeeded) context.emit({ type: "leader", topic: topic.name, partition: p, kind: change.kind, state: change.state });
  }
}

/** The next change a partition needs, in order: a leader if it has none, dead followers out of the ISR, the preferred leader back. */
function nextChange(state: PartitionState, topic: TopicRecord, partition: number, live: ReadonlySet<number>): { kind: Election["kind"] | "isr"; state: PartitionState } | null {
  const replicas = topic.replicas[partition];
  const offline = electOffline(state, replicas, live, allowsUncleanElection(topic.config));
  if (offline) return offline;
  if (state.leader === -1) return null;
  const isr = state.isr.filter((id) => live.has(id) || id === state.leader);
  if (isr.length !== state.isr.length) return { kind: "isr", state: { leader: state.leader, leader_epoch: state.leader_epoch, isr } };
  // A moving partition's leader is chosen when the move completes.
  if (moveOf(topic, partition)) return null;
  return electPreferred(state, replicas, live);
}
