/**
 * Transaction state stored durably in the internal compacted topic `__transaction_state`, as
 * Kafka's TransactionStateManager does: one record per change of a transactional id, key = the
 * id (UTF-8), value = CBOR of its {@link TransactionMetadata} without the id; a null value
 * (tombstone) forgets the id. Compaction keeps the latest per key, so loading reads a bounded
 * amount. Writes go through the broker's idempotent producer and resolve once appended (and
 * flushed as the topic's flush policy says).
 */
import { decode, encode } from "cbor-x";
import type { BrokerApi } from "../broker/types.ts";
import type { Producer } from "../broker/producer.ts";
import type { TransactionMetadata } from "./transaction-metadata.ts";

/** The internal topic's name. */
export const TRANSACTION_STATE_TOPIC = "__transaction_state";

/** Where the coordinator keeps its state: the topic in a broker, a map in tests. */
export interface TransactionStore {
  /** Every transactional id's latest state. */
  load(): Promise<TransactionMetadata[]>;
  /** Writes each metadata (or, for a string, forgets that id); resolves once durable. */
  write(changes: Array<TransactionMetadata | string>): Promise<void>;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

type StoredValue = Omit<TransactionMetadata, "transactionalId">;

/** {@link TransactionStore} over `__transaction_state`. */
export class TransactionLog implements TransactionStore {
  #broker: BrokerApi;
  #producer: Producer;

  /**
   * @param broker reads the topic back on load
   * @param producer an idempotent producer that writes the changes
   */
  constructor(broker: BrokerApi, producer: Producer) {
    this.#broker = broker;
    this.#producer = producer;
  }

  async load(): Promise<TransactionMetadata[]> {
    const latest = new Map<string, TransactionMetadata | null>();
    let offset = await this.#broker.listOffset(TRANSACTION_STATE_TOPIC, 0, "earliest");
    const end = await this.#broker.listOffset(TRANSACTION_STATE_TOPIC, 0, "latest");
    while (offset < end) {
      const result = await this.#broker.fetch(TRANSACTION_STATE_TOPIC, 0, { offset, maxRecords: 10_000 });
      for (const record of result.records) {
        if (!record.key) continue;
        const transactionalId = fromUtf8.decode(record.key);
        latest.set(transactionalId, record.value ? { transactionalId, ...(decode(record.value) as StoredValue) } : null);
      }
      if (result.nextOffset <= offset) break;
      offset = result.nextOffset;
    }
    return [...latest.values()].filter((m): m is TransactionMetadata => m !== null);
  }

  async write(changes: Array<TransactionMetadata | string>): Promise<void> {
    if (changes.length === 0) return;
    await this.#producer.sendBatch(
      TRANSACTION_STATE_TOPIC,
      changes.map((change) => {
        if (typeof change === "string") return { partition: 0, key: utf8.encode(change), value: null };
        const { transactionalId, ...value } = change;
        return { partition: 0, key: utf8.encode(transactionalId), value: encode(value) };
      }),
    );
  }
}
