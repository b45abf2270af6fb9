/**
 * Committed consumer-group offsets stored durably in the internal compacted topic
 * `__consumer_offsets`, as Kafka does: one record per commit, key = CBOR
 * `[groupId, topic, partition]`, value = CBOR `{ offset, metadata, commitTimestamp }`.
 * Compaction keeps the latest per key, so loading reads a bounded amount.
 */
import { decode, encode } from "cbor-x";
import type { CommittedOffset } from "../broker/group-api.ts";
import type { OffsetStore } from "./offset-store.ts";
import type { BrokerApi } from "../broker/types.ts";
import type { Producer } from "../broker/producer.ts";

/** The internal topic's name. */
export const OFFSETS_TOPIC = "__consumer_offsets";

type Entry = CommittedOffset & { groupId: string };

export class OffsetLog implements OffsetStore {
  #broker: BrokerApi;
  #producer: Producer;

  /**
   * @param broker reads the topic back on load
   * @param producer an idempotent producer that writes commits
   */
  constructor(broker: BrokerApi, producer: Producer) {
    this.#broker = broker;
    this.#producer = producer;
  }

  async load(): Promise<Entry[]> {
    const latest = new Map<string, Entry>();
    let offset = await this.#broker.listOffset(OFFSETS_TOPIC, 0, "earliest");
    const end = await this.#broker.listOffset(OFFSETS_TOPIC, 0, "latest");
    while (offset < end) {
      const result = await this.#broker.fetch(OFFSETS_TOPIC, 0, { offset, maxRecords: 10_000 });
      for (const record of result.records) {
        if (!record.key || !record.value) continue;
        const [groupId, topic, partition] = decode(record.key) as [string, string, number];
        const value = decode(record.value) as { offset: number; metadata: string | null; commitTimestamp: number };
        latest.set(`${groupId}\u0000${topic}\u0000${partition}`, { groupId, topic, partition, ...value });
      }
      if (result.nextOffset <= offset) break;
      offset = result.nextOffset;
    }
    return [...latest.values()];
  }

  async append(entries: Entry[]): Promise<void> {
    await this.#producer.sendBatch(
      OFFSETS_TOPIC,
      entries.map((e) => ({
        partition: 0,
        key: encode([e.groupId, e.topic, e.partition]),
        value: encode({ offset: e.offset, metadata: e.metadata, commitTimestamp: e.commitTimestamp }),
        timestamp: e.commitTimestamp,
      })),
    );
  }
}
