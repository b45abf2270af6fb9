/**
 * Counters of records and bytes produced and fetched per topic, for `/metrics`. Main thread
 * only.
 */
import type { TopicCounters } from "./types.ts";

export class BrokerStats {
  readonly topics: Map<string, TopicCounters> = new Map();

  produced(topic: string, records: number, bytes: number): void {
    const c = this.#counters(topic);
    c.producedRecords += records;
    c.producedBytes += bytes;
  }

  fetched(topic: string, records: number, bytes: number): void {
    const c = this.#counters(topic);
    c.fetchedRecords += records;
    c.fetchedBytes += bytes;
  }

  #counters(topic: string): TopicCounters {
    let c = this.topics.get(topic);
    if (!c) {
      c = { producedRecords: 0, producedBytes: 0, fetchedRecords: 0, fetchedBytes: 0 };
      this.topics.set(topic, c);
    }
    return c;
  }
}
