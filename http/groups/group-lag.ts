/**
 * A consumer group with its lag: for every partition the group has committed or is assigned,
 * the committed offset, the log end offset and lag = end offset − committed offset (with no
 * commit: end − log start, as every record is unconsumed).
 */
import type { GroupDescription } from "../../broker/group-api.ts";
import type { BrokerApi, TopicDescription } from "../../broker/types.ts";
import { isRivuletError } from "../../core/errors.ts";
import { partitionKey } from "./member-positions.ts";

/** Lag of one partition of a group. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** Committed offset (the next to read), or null when nothing is committed. */
  committed: number | null;
  startOffset: number;
  endOffset: number;
  lag: number;
}

/** Reads topic descriptions once per topic; unknown topics give null. */
export class TopicCache {
  #topics = new Map<string, Promise<TopicDescription | null>>();
  readonly #broker: BrokerApi;

  /** @param broker the broker */
  constructor(broker: BrokerApi) {
    this.#broker = broker;
  }

  /** The topic's description, or null when it does not exist. */
  get(topic: string): Promise<TopicDescription | null> {
    let found = this.#topics.get(topic);
    if (!found) {
      found = this.#broker.describeTopic(topic).catch((error) => {
        if (isRivuletError(error, "unknown_topic")) return null;
        throw error;
      });
      this.#topics.set(topic, found);
    }
    return found;
  }
}

/**
 * The lag of every partition a group has committed or is assigned.
 *
 * @param group the group's description
 * @param topics a topic cache (shared across groups in one scrape)
 * @returns partition lags, sorted by topic and partition
 */
export async function groupLag(group: GroupDescription, topics: TopicCache): Promise<PartitionLag[]> {
  const committed = new Map<string, { topic: string; partition: number; offset: number | null }>();
  for (const member of group.members) {
    for (const tp of member.assignments) committed.set(partitionKey(tp.topic, tp.partition), { ...tp, offset: null });
  }
  for (const entry of group.offsets) {
    if (entry.offset >= 0) committed.set(partitionKey(entry.topic, entry.partition), { topic: entry.topic, partition: entry.partition, offset: entry.offset });
  }
  const lags: PartitionLag[] = [];
  for (const entry of committed.values()) {
    const log = (await topics.get(entry.topic))?.partitions[entry.partition];
    if (!log) continue;
    const from = entry.offset === null ? log.startOffset : Math.max(entry.offset, log.startOffset);
    lags.push({ topic: entry.topic, partition: entry.partition, committed: entry.offset, startOffset: log.startOffset, endOffset: log.endOffset, lag: Math.max(0, log.endOffset - from) });
  }
  return lags.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}
