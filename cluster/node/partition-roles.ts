/**
 * What a clustered broker's data calls may do with a partition now, from its metadata and its
 * reconciler: whether the role the metadata gives it has been applied (records wait for it),
 * whether another broker leads a named partition (records are refused at once), and which of a
 * topic's partitions it leads (where unkeyed records go).
 *
 * Each function reads the metadata when called; none keeps state.
 */
import { RivuletError } from "../../core/errors.ts";
import type { ProducerRecord } from "../../broker/types.ts";
import type { ClusterNode } from "./cluster-node.ts";
import { awaitTopic } from "./await-topic.ts";

/**
 * Holds back records of a partition (every partition of `topic` when `partition` is not
 * given) until this broker has been told its role for it: until the reconciler has applied the
 * cluster's word, a replica opened from disk is a lone partition that would take writes and
 * acknowledge them on its own — a broker restarted after kill -9, whose Kafka and HTTP
 * listeners are up while it waits for its old lease to lapse, would so acknowledge records
 * that the elected leader's log never gets (its truncation by OffsetsForLeaderEpoch then
 * removes them). Topics the cluster does not know are the local broker's to answer.
 *
 * @param node this broker's cluster node, null while it is still joining
 * @param knownLocally whether the local broker has a topic of its own, outside the cluster's metadata
 * @returns null when the call may go on now, else a promise that settles once the role the
 *   metadata gives is applied (a topic just created, a leader just elected)
 * @throws {RivuletError} `not_leader` (retriable: a Kafka client refreshes its metadata and
 *   goes to the leader) while the broker is still joining its cluster, or when no role was applied
 * @example
 * ```ts
 * const pending = roleApplied(node, "orders", 0, knownLocally);
 * if (pending) await pending;
 * ```
 */
export function roleApplied(node: ClusterNode | null, topic: string, partition: number | undefined, knownLocally: (topic: string) => boolean): Promise<void> | null {
  if (!node) throw new RivuletError("not_leader", `this broker is still joining its cluster; it serves no partition of ${topic} yet`, { topic, partition });
  const record = node.cache.topic(topic);
  if (!record) {
    if (knownLocally(topic)) return null;
    // not in this broker's metadata yet, perhaps created through another broker a moment ago
    return awaitTopic(node, topic).then(() => (node.cache.topic(topic) ? roleApplied(node, topic, partition, knownLocally) ?? undefined : undefined));
  }
  const reconciler = node.reconciler;
  const partitions = partition === undefined ? record.replicas.map((_, p) => p) : [partition];
  const missing = partitions.filter((p) => p >= 0 && p < record.replicas.length && !reconciler.applied(topic, p));
  if (missing.length === 0) return null;
  return (async () => {
    for (const p of missing) {
      await reconciler.settledFor(topic, p);
      if (!reconciler.applied(topic, p)) {
        throw new RivuletError("not_leader", `this broker has not taken its role for ${topic}/${p} yet; ask the partition's leader`, { topic, partition: p });
      }
    }
  })();
}

/**
 * Refuses records naming a partition that another broker leads (or none does), at once: the
 * local producer would retry `not_leader` until its delivery timeout and might write the
 * records long after the client gave up. A client sends them to the partition's leader.
 *
 * @throws {RivuletError} `not_leader`
 */
export function refuseLedElsewhere(node: ClusterNode | null, topic: string, records: ProducerRecord[]): void {
  if (!node?.cache.topic(topic)) return;
  for (const record of records) {
    if (record.partition === undefined) continue;
    const leader = node.cache.partition(topic, record.partition)?.leader;
    if (leader !== undefined && leader !== node.brokerId) {
      throw new RivuletError("not_leader", `broker ${leader < 0 ? "none" : leader} leads ${topic}/${record.partition}, not this one (${node.brokerId})`, { topic, partition: record.partition, leader });
    }
  }
}

/** The partitions of `topic` this broker leads, or null when it leads none or all of them (or the cluster does not know the topic). */
export function ledPartitions(node: ClusterNode | null, topic: string): number[] | null {
  const record = node?.cache.topic(topic);
  if (!node || !record) return null;
  const mine: number[] = [];
  for (let p = 0; p < record.replicas.length; p++) if (node.cache.partition(topic, p)?.leader === node.brokerId) mine.push(p);
  return mine.length === 0 || mine.length === record.replicas.length ? null : mine;
}
