/**
 * A consumer group's lag per partition, in records and in seconds: for every partition the
 * group has committed or is assigned, lag = log end − committed offset (with no commit, end −
 * log start: every record is unconsumed), and lag in seconds = now − the timestamp of the
 * first unconsumed record (one 1-record fetch, for at most `fetchesMax` lagging partitions;
 * the rest get null). The HTTP API (group describe, `/metrics`) and the console measure lag
 * through this one module.
 */
import type { GroupDescription } from "../broker/group-api.ts";
import type { BrokerApi, TopicDescription } from "../broker/types.ts";
import { isRivuletError } from "../core/errors.ts";

/** Lag of one partition of a group. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** Committed offset (the next to read), or null when nothing is committed. */
  committed: number | null;
  startOffset: number;
  endOffset: number;
  /** Records after the committed offset. */
  records: number;
  /** Age of the first unconsumed record in seconds; 0 without lag; null when not measured. */
  seconds: number | null;
}

/** Topic descriptions read once per topic within one request or sampling round. */
export class TopicCache {
  readonly #topics = new Map<string, Promise<TopicDescription | null>>();
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

/** What {@link groupLag} needs besides the group. */
export interface GroupLagOptions {
  broker: BrokerApi;
  topics: TopicCache;
  /** Only partitions of topics this accepts are measured (the principal's readable topics). */
  readable: (topic: string) => boolean;
  nowMs: number;
  /**
   * 1-record fetches left for lag in seconds, shared by every group of one request or scrape:
   * each fetch takes one; at 0 the remaining partitions get `seconds: null`. Omitted: none.
   */
  fetches?: { left: number };
}

async function lagSeconds(broker: BrokerApi, lag: PartitionLag, nowMs: number): Promise<number | null> {
  const from = lag.committed === null ? lag.startOffset : Math.max(lag.committed, lag.startOffset);
  try {
    const result = await broker.fetch(lag.topic, lag.partition, { offset: from, maxRecords: 1, waitMs: 0 });
    const first = result.records[0];
    return first ? Math.max(0, (nowMs - first.timestamp) / 1000) : 0;
  } catch {
    return null;
  }
}

function partitionsOf(group: GroupDescription, readable: (topic: string) => boolean): Map<string, { topic: string; partition: number; offset: number | null }> {
  const found = new Map<string, { topic: string; partition: number; offset: number | null }>();
  for (const member of group.members) {
    for (const tp of member.assignments) if (readable(tp.topic)) found.set(`${tp.partition}:${tp.topic}`, { ...tp, offset: null });
  }
  for (const entry of group.offsets) {
    if (entry.offset >= 0 && readable(entry.topic)) found.set(`${entry.partition}:${entry.topic}`, { topic: entry.topic, partition: entry.partition, offset: entry.offset });
  }
  return found;
}

/**
 * The lag of every partition a group has committed or is assigned.
 *
 * @param group the group's description
 * @param options broker, topic cache, readable topics, the time and the fetch budget
 * @returns partition lags, sorted by topic and partition
 * @throws {RivuletError} what describing a topic may throw, but `unknown_topic` (skipped)
 */
export async function groupLag(group: GroupDescription, options: GroupLagOptions): Promise<PartitionLag[]> {
  const lags: PartitionLag[] = [];
  for (const entry of partitionsOf(group, options.readable).values()) {
    const log = (await options.topics.get(entry.topic))?.partitions[entry.partition];
    if (!log) continue;
    const from = entry.offset === null ? log.startOffset : Math.max(entry.offset, log.startOffset);
    const records = Math.max(0, log.endOffset - from);
    lags.push({ topic: entry.topic, partition: entry.partition, committed: entry.offset, startOffset: log.startOffset, endOffset: log.endOffset, records, seconds: records === 0 ? 0 : null });
  }
  lags.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  const fetches = options.fetches ?? { left: 0 };
  const measured = lags.filter((l) => l.records > 0 && fetches.left > 0 && fetches.left-- > 0);
  await Promise.all(measured.map(async (lag) => {
    lag.seconds = await lagSeconds(options.broker, lag, options.nowMs);
  }));
  return lags;
}
