/**
 * Brings a stream's runtime state up to date with its log: starts from the persisted snapshot
 * and replays the records after it (normally the few written since the last snapshot; all of
 * them after a crash before the first one). Replay restores closure and its producer, the last
 * Stream-Seq, and each producer's epoch and last seq from the batch headers.
 */
import type { BrokerApi } from "../broker/types.ts";
import type { StreamState } from "./stream-state.ts";
import { walkStreamRecords } from "./stream-records.ts";

const utf8 = new TextDecoder();

/**
 * Replays `state`'s own topic from its snapshot to the end.
 *
 * @param broker the broker holding the topic
 * @param state the stream (its runtime fields are overwritten)
 * @param readBytesMax bytes fetched per step
 */
export async function loadStreamState(broker: BrokerApi, state: StreamState, readBytesMax: number): Promise<void> {
  const { topic, snapshot, base } = state.meta;
  state.applySnapshot(snapshot);
  const byNumericId = new Map<number, string>();
  for (const [producerId, mapping] of state.mappings) byNumericId.set(mapping.id, producerId);
  const end = await broker.listOffset(topic, 0, "latest");
  let offset = snapshot.upTo;
  while (offset < end) {
    const { batches } = await broker.fetchBatches(topic, 0, { offset, maxBytes: readBytesMax });
    const next = walkStreamRecords(batches, offset, end, (_o, _value, key, closes, batch) => {
      let producer: [string, number, number] | null = null;
      const producerId = batch.producerId >= 0 ? byNumericId.get(batch.producerId) : undefined;
      if (producerId !== undefined) {
        const mapping = state.mappings.get(producerId)!;
        producer = [producerId, mapping.epochBase + batch.producerEpoch, mapping.seqBase + batch.baseSequence];
        state.producers.set(producerId, { epoch: producer[1], lastSeq: producer[2] });
      }
      if (key !== null) state.streamSeq = utf8.decode(key);
      if (closes) {
        state.closed = state.closing = true;
        state.closedBy = producer;
      }
      return true;
    });
    if (next <= offset) break;
    offset = next;
  }
  state.tail = state.next = base + Math.max(offset, end);
  if (offset !== snapshot.upTo) state.dirty = true;
}
