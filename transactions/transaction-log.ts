/**
 * Transaction state stored durably in the internal compacted topic `__transaction_state`, as
 * Kafka's TransactionStateManager does: one record per change of a transactional id, key = the
 * id (UTF-8), value = CBOR of its {@link TransactionMetadata} without the id; a null value
 * (tombstone) forgets the id. Compaction keeps the latest per key, so loading reads a bounded
 * amount. Writes go through the broker's idempotent producer and resolve once appended (and
 * flushed as the topic's flush policy says; on a replicated leader once the in-sync replicas
 * hold them, so a coordinator elected after a failover reads every answered change).
 *
 * The topic has one or more partitions; a transactional id lives in partition
 * {@link transactionPartitionFor}(id, partitions), Kafka's `abs(id.hashCode()) % partitions`,
 * and each {@link TransactionLog} reads and writes one partition.
 */
import { decode, encode } from "cbor-x";
import type { BrokerApi } from "../broker/types.ts";
import type { Producer } from "../broker/producer.ts";
import { isRivuletError, RivuletError } from "../core/errors.ts";
import type { PartitionEpochState } from "../actors/partition-protocol.ts";
import type { TransactionMetadata } from "./transaction-metadata.ts";

/** The internal topic's name. */
export const TRANSACTION_STATE_TOPIC = "__transaction_state";

/**
 * The `__transaction_state` partition of a transactional id: Java's `String.hashCode` of the id
 * (32-bit, over UTF-16 code units), made non-negative as Kafka's `Utils.abs` does, modulo
 * `partitions`.
 */
export function transactionPartitionFor(transactionalId: string, partitions: number): number {
  let hash = 0;
  for (let i = 0; i < transactionalId.length; i++) hash = (Math.imul(hash, 31) + transactionalId.charCodeAt(i)) | 0;
  return (hash === -0x80000000 ? 0 : Math.abs(hash)) % Math.max(1, partitions);
}

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

/** A local broker's view of a replica's log end (broker/broker.ts has it). */
interface EpochStateSource {
  epochState(topic: string, partition: number): Promise<PartitionEpochState>;
}

/** {@link TransactionStore} over one partition of `__transaction_state`. */
export class TransactionLog implements TransactionStore {
  #broker: BrokerApi;
  #producer: Producer;
  #partition: number;

  /**
   * @param broker reads the topic back on load
   * @param producer an idempotent producer that writes the changes
   * @param partition the partition of `__transaction_state` this store holds (0 by default)
   */
  constructor(broker: BrokerApi, producer: Producer, partition = 0) {
    this.#broker = broker;
    this.#producer = producer;
    this.#partition = partition;
  }

  async load(): Promise<TransactionMetadata[]> {
    const latest = new Map<string, TransactionMetadata | null>();
    const partition = this.#partition;
    const end = await this.#committedEnd();
    let offset = await this.#broker.listOffset(TRANSACTION_STATE_TOPIC, partition, "earliest");
    while (offset < end) {
      const result = await this.#broker.fetch(TRANSACTION_STATE_TOPIC, partition, { offset, maxRecords: 10_000 });
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

  /**
   * The offset to load up to: the high watermark once it has reached the log end this replica
   * holds. A replica just elected leader may hold changes its high watermark has not passed yet
   * (acknowledged by the old leader's ISR, this replica among it); a coordinator loading only
   * to the high watermark would miss a decision already answered. The high watermark reaches
   * the log end as the followers fetch (or the ISR shrinks to this replica).
   */
  async #committedEnd(): Promise<number> {
    const partition = this.#partition;
    const epochs = this.#broker as BrokerApi & Partial<EpochStateSource>;
    const logEnd = epochs.epochState ? (await epochs.epochState(TRANSACTION_STATE_TOPIC, partition)).logEndOffset : 0;
    for (;;) {
      const highWatermark = await this.#broker.listOffset(TRANSACTION_STATE_TOPIC, partition, "latest");
      if (highWatermark >= logEnd) return highWatermark;
      // a long poll past the high watermark returns once it moves (or after the wait)
      await this.#broker.fetchBatches(TRANSACTION_STATE_TOPIC, partition, { offset: highWatermark, waitMs: 1_000, maxBytes: 1 });
    }
  }

  /**
   * @throws {RivuletError} `not_coordinator` when this broker no longer leads the partition (a
   *   coordinator deposed by a failover writes nothing more), else the producer's error
   */
  async write(changes: Array<TransactionMetadata | string>): Promise<void> {
    if (changes.length === 0) return;
    try {
      await this.#send(changes);
    } catch (error) {
      if (isRivuletError(error, "not_leader") || isRivuletError(error, "fenced_leader_epoch")) {
        throw new RivuletError("not_coordinator", `this broker no longer leads partition ${this.#partition} of ${TRANSACTION_STATE_TOPIC}: find the transaction coordinator again`, { partition: this.#partition });
      }
      throw error;
    }
  }

  async #send(changes: Array<TransactionMetadata | string>): Promise<void> {
    await this.#producer.sendBatch(
      TRANSACTION_STATE_TOPIC,
      changes.map((change) => {
        if (typeof change === "string") return { partition: this.#partition, key: utf8.encode(change), value: null };
        const { transactionalId, ...value } = change;
        return { partition: this.#partition, key: utf8.encode(transactionalId), value: encode(value) };
      }),
    );
  }
}
