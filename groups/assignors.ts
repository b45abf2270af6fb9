/**
 * Server-side partition assignment for managed groups, with the semantics of Kafka's
 * RangeAssignor and RoundRobinAssignor, so a group splits partitions the same way whether
 * its members are Kafka consumers or HTTP/programmatic ones.
 */
import type { AssignorName, TopicPartition } from "../broker/group-api.ts";

/** One member's subscription. */
export interface MemberSubscription {
  memberId: string;
  topics: string[];
}

/** Partition count of a topic, `undefined` when the topic does not exist (it is skipped). */
export type PartitionsOf = (topic: string) => number | undefined;

/** Compares as Java's `String.compareTo` does (UTF-16 code units), which is what Kafka sorts by. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function emptyResult(members: MemberSubscription[]): Map<string, TopicPartition[]> {
  return new Map(members.map((m) => [m.memberId, []]));
}

function subscribedTopics(members: MemberSubscription[]): string[] {
  return [...new Set(members.flatMap((m) => m.topics))].sort(byCodeUnits);
}

/**
 * Kafka's range assignment: for each topic, the members subscribed to it, sorted by member id,
 * get consecutive ranges; the first `partitions % members` get one extra.
 *
 * @returns every member's partitions (an empty list when it gets none), by topic then partition
 * @example
 * ```ts
 * // t has 3 partitions: a gets t-0 and t-1, b gets t-2
 * rangeAssign([{ memberId: "a", topics: ["t"] }, { memberId: "b", topics: ["t"] }], () => 3);
 * ```
 */
export function rangeAssign(members: MemberSubscription[], partitionsOf: PartitionsOf): Map<string, TopicPartition[]> {
  const result = emptyResult(members);
  for (const topic of subscribedTopics(members)) {
    const count = partitionsOf(topic);
    if (count === undefined) continue;
    const consumers = members.filter((m) => m.topics.includes(topic)).map((m) => m.memberId).sort(byCodeUnits);
    const per = Math.floor(count / consumers.length);
    const extra = count % consumers.length;
    consumers.forEach((memberId, i) => {
      const start = per * i + Math.min(i, extra);
      const length = per + (i < extra ? 1 : 0);
      for (let p = start; p < start + length; p++) result.get(memberId)!.push({ topic, partition: p });
    });
  }
  return result;
}

/**
 * Kafka's round-robin assignment: all subscribed topic-partitions, sorted by topic then
 * partition, dealt in turn to the members sorted by id, skipping a member not subscribed to
 * the partition's topic.
 *
 * @returns every member's partitions (an empty list when it gets none)
 * @example
 * ```ts
 * // t has 3 partitions: a gets t-0 and t-2, b gets t-1
 * roundRobinAssign([{ memberId: "a", topics: ["t"] }, { memberId: "b", topics: ["t"] }], () => 3);
 * ```
 */
export function roundRobinAssign(members: MemberSubscription[], partitionsOf: PartitionsOf): Map<string, TopicPartition[]> {
  const result = emptyResult(members);
  const sorted = [...members].sort((a, b) => byCodeUnits(a.memberId, b.memberId));
  let next = 0;
  for (const topic of subscribedTopics(members)) {
    const count = partitionsOf(topic) ?? 0;
    for (let partition = 0; partition < count; partition++) {
      // Someone is subscribed to every topic here, so this finds a member within one lap.
      while (!sorted[next % sorted.length].topics.includes(topic)) next++;
      result.get(sorted[next % sorted.length].memberId)!.push({ topic, partition });
      next++;
    }
  }
  return result;
}

/**
 * Runs the named assignor.
 *
 * @example
 * ```ts
 * const byMember = assignPartitions("roundrobin", members, (topic) => broker.partitionCount(topic));
 * ```
 */
export function assignPartitions(name: AssignorName, members: MemberSubscription[], partitionsOf: PartitionsOf): Map<string, TopicPartition[]> {
  switch (name) {
    case "range":
      return rangeAssign(members, partitionsOf);
    case "roundrobin":
      return roundRobinAssign(members, partitionsOf);
    default: {
      const never: never = name;
      throw new TypeError(`unknown assignor ${String(never)}`);
    }
  }
}
