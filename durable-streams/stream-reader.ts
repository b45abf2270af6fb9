/**
 * Reads a stream from a stream offset: its inherited ranges (forks), then its own topic, up to a
 * byte budget, returning the values of the records read (close markers have none). A read that
 * finds nothing at its own tail may wait for the next acknowledged append, without polling.
 */
import type { BrokerApi } from "../broker/types.ts";
import { abortable } from "../core/abortable.ts";
import type { StreamState } from "./stream-state.ts";
import { walkStreamRecords } from "./stream-records.ts";

/** Options of {@link readStream}. */
export interface ReadOptions {
  /** Stop adding records once this many bytes of values are read (at least one record is). */
  maxBytes: number;
  /** With nothing to read at the tail, wait this long for an append (0: answer at once). */
  waitMs?: number;
  /** Gives up a wait (client gone, server closing). */
  signal?: AbortSignal;
}

/** What a read found. */
export interface ReadResult {
  /** Record values in order (JSON mode: comma-joined messages per record). */
  values: Uint8Array[];
  /** Bytes in `values`. */
  bytes: number;
  /** Stream offset after the last record read (the request's offset when none was). */
  next: number;
  /** True when the records read end with the stream's closing append. */
  closed: boolean;
}

/**
 * Reads `state` from stream offset `from` (at most its tail).
 *
 * @param broker the broker holding the topics
 * @param state the stream, loaded
 * @param from stream offset to start at
 * @param options budget and waiting
 * @returns the values read and the next offset
 * @throws {RivuletError} from the broker (e.g. `closed` once `signal` aborts a wait)
 */
export async function readStream(broker: BrokerApi, state: StreamState, from: number, options: ReadOptions): Promise<ReadResult> {
  const { meta } = state;
  const ranges = [...meta.inherited, { topic: meta.topic, from: meta.base, to: Number.POSITIVE_INFINITY, delta: meta.base }];
  const result: ReadResult = { values: [], bytes: 0, next: from, closed: false };
  for (const range of ranges) {
    if (result.next >= range.to) continue;
    const own = range.topic === meta.topic;
    while (result.next < range.to && (result.bytes < options.maxBytes || result.values.length === 0)) {
      const partitionOffset = result.next - range.delta;
      const waitMs = own && result.next === from ? options.waitMs ?? 0 : 0;
      const fetch = broker.fetchBatches(range.topic, 0, { offset: partitionOffset, maxBytes: options.maxBytes - result.bytes, waitMs });
      const { batches } = await (waitMs > 0 && options.signal ? abortable(fetch, options.signal) : fetch);
      const end = walkStreamRecords(batches, partitionOffset, range.to - range.delta, (_offset, value, _key, closes) => {
        if (own && closes) result.closed = true;
        if (value !== null) {
          result.values.push(value);
          result.bytes += value.length;
        }
        return result.bytes < options.maxBytes;
      });
      if (end <= partitionOffset) break;
      result.next = end + range.delta;
    }
    if (result.next < range.to || result.bytes >= options.maxBytes) break;
  }
  return result;
}
