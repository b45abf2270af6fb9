import { murmur2, toPositive } from "./murmur2.ts";

/**
 * Kafka's default partitioner. With a key: `toPositive(murmur2(key)) % partitions`, exactly
 * as the Java client and kafkajs do. Without a key: sticky — records go to one partition until
 * `nextBatch()` is called, then to the next, so small unkeyed sends still form batches.
 * Not thread-safe; one per producer.
 */
export class Partitioner {
  #sticky = new Map<string, number>();

  /**
   * @param topic the topic (sticky choice is per topic)
   * @param key the key bytes or null
   * @param partitions the topic's partition count
   * @returns the partition
   */
  partition(topic: string, key: Uint8Array | null, partitions: number): number {
    if (key !== null) return keyPartition(key, partitions);
    let p = this.#sticky.get(topic);
    if (p === undefined || p >= partitions) {
      p = Math.floor(Math.random() * partitions);
      this.#sticky.set(topic, p);
    }
    return p;
  }

  /** Moves every topic's sticky partition on, after a batch was sent. */
  nextBatch(topic: string, partitions: number): void {
    const p = this.#sticky.get(topic);
    if (p !== undefined) this.#sticky.set(topic, (p + 1) % partitions);
  }
}

/** The partition of a keyed record. */
export function keyPartition(key: Uint8Array, partitions: number): number {
  return toPositive(murmur2(key)) % partitions;
}
