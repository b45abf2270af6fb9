/**
 * Committed consumer-group offsets stored durably in the internal compacted topic
 * `__consumer_offsets`, as Kafka does: one record per commit, key = CBOR
 * `[groupId, topic, partition]`, value = CBOR `{ offset, metadata, commitTimestamp }`.
 * Compaction keeps the latest per key, so loading reads a bounded amount.
 *
 * Loading reads up to the partition's committed end (broker/committed-end.ts): in a cluster, a
 * broker just elected leader of partition 0 reads every commit the old leader acknowledged,
 * including those its own high watermark has not passed yet.
 */
import { decode, encode } from "cbor-x";
import type { CommittedOffset } from "../broker/group-api.ts";
import type { OffsetStore } from "./offset-store.ts";
import type { BrokerApi } from "../broker/types.ts";
import type { Producer } from "../broker/producer.ts";
import { committedEnd } from "../broker/committed-end.ts";
import { isRivuletError, RivuletError } from "../core/errors.ts";

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
    const end = await committedEnd(this.#broker, OFFSETS_TOPIC, 0);
    let offset = await this.#broker.listOffset(OFFSETS_TOPIC, 0, "earliest");
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

  /**
   * @throws {RivuletError} `not_coordinator` when this broker no longer leads the partition (a
   *   coordinator deposed by a failover commits nothing more), else the producer's error
   */
  async append(entries: Entry[]): Promise<void> {
    try {
      await this.#send(entries);
    } catch (error) {
      if (isRivuletError(error, "not_leader") || isRivuletError(error, "fenced_leader_epoch")) {
        throw new RivuletError("not_coordinator", `this broker no longer leads ${OFFSETS_TOPIC}/0: find the group coordinator again`, { topic: OFFSETS_TOPIC, partition: 0 });
      }
      throw error;
    }
  }

  async #send(entries: Entry[]): Promise<void> {
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
