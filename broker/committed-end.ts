/**
 * Where a coordinator just elected leader of its internal partition loads up to: the high
 * watermark once it has reached the log end this replica holds. Shared by the coordinators that
 * keep their state in a replicated internal topic (`__consumer_offsets`, `__transaction_state`),
 * as Kafka's coordinators load a partition when its broker becomes leader.
 *
 * A replica just elected leader may hold records its high watermark has not passed yet
 * (acknowledged by the old leader's ISR, this replica among it); a coordinator loading only to
 * the high watermark would miss a commit or decision already answered. The high watermark
 * reaches the log end as the followers fetch (or the ISR shrinks to this replica). Alone (no
 * replicas) the high watermark is the log end at once.
 */
import type { PartitionEpochState } from "../actors/partition-protocol.ts";
import type { BrokerApi } from "./types.ts";

/** A local broker's view of a replica's log end (broker/broker.ts has it). */
interface EpochStateSource {
  epochState(topic: string, partition: number): Promise<PartitionEpochState>;
}

/** How long one long poll waits for the high watermark to move before looking again. */
const highWatermarkPollMs = 1_000;

/**
 * The offset up to which `topic`/`partition` holds every acknowledged record (see the file's doc).
 *
 * @param broker the local broker (its `epochState`, when it has one, gives the replica's log end)
 * @returns the high watermark once it has reached the log end read when the call began
 * @throws {RivuletError} the broker's errors (`not_leader` once this broker no longer leads the partition)
 */
export async function committedEnd(broker: BrokerApi, topic: string, partition: number): Promise<number> {
  const epochs = broker as BrokerApi & Partial<EpochStateSource>;
  const logEnd = epochs.epochState ? (await epochs.epochState(topic, partition)).logEndOffset : 0;
  for (;;) {
    const highWatermark = await broker.listOffset(topic, partition, "latest");
    if (highWatermark >= logEnd) return highWatermark;
    // a long poll past the high watermark returns once it moves (or after the wait)
    await broker.fetchBatches(topic, partition, { offset: highWatermark, waitMs: highWatermarkPollMs, maxBytes: 1 });
  }
}
