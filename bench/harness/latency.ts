/**
 * End-to-end latency at a fixed rate: every ~1 ms a paced producer takes the records that fell
 * due since the last tick and sends them as one batch, with at most 4 sends outstanding (records
 * due while all 4 are out wait and go together in the next batch, as a batching producer does);
 * a subscriber reports each sequence number it receives, and an HDR histogram records the time
 * from a record's hand-over to its arrival, waiting included. Sender and receiver live in this
 * process, so both read the same clock. Records of the first `warmupMs` are not counted.
 */
import * as hdr from "hdr-histogram-js";
import { pace } from "./pace.ts";

/** What a system provides to be measured. */
export interface LatencyTarget {
  /** Starts receiving from the current end of the stream; `onSeq` for every record received. */
  subscribe(onSeq: (seq: number) => void): Promise<{ close(): Promise<void> | void }>;
  /** Sends records `seqs` (consecutive) as one batch; resolves when acknowledged. */
  send(seqs: number[]): Promise<void>;
}

/** Percentiles in ms, and how many records were counted and lost. */
export interface LatencyResult {
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  counted: number;
  lost: number;
  sent: number;
}

const DRAIN_MS_MAX = 5_000;

/**
 * Measures one target.
 *
 * @param target the system under test
 * @param options records per second, duration, warm-up, and the first sequence number to use
 */
export async function measureLatency(target: LatencyTarget, options: { ratePerS: number; durationMs: number; warmupMs: number; seqBase: number }): Promise<LatencyResult> {
  const total = Math.round((options.ratePerS * options.durationMs) / 1000);
  const sentAt = new Float64Array(total).fill(-1);
  const seen = new Uint8Array(total);
  const counted = Math.round((options.ratePerS * options.warmupMs) / 1000);
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
  let received = 0;
  let allReceived: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allReceived = resolve));
  const subscription = await target.subscribe((seq) => {
    const i = seq - options.seqBase;
    if (i < 0 || i >= total || seen[i] || sentAt[i] < 0) return;
    seen[i] = 1;
    if (i >= counted) histogram.recordValue(Math.max(1, Math.round((performance.now() - sentAt[i]) * 1000)));
    if (++received === total) allReceived();
  });
  await pace(total, options.ratePerS, (first, count) => {
    const seqs: number[] = new Array(count);
    for (let i = 0; i < count; i++) seqs[i] = options.seqBase + first + i;
    return target.send(seqs);
  }, () => undefined, sentAt);
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, DRAIN_MS_MAX))]);
  await subscription.close();
  const result = {
    p50Ms: histogram.getValueAtPercentile(50) / 1000,
    p99Ms: histogram.getValueAtPercentile(99) / 1000,
    p999Ms: histogram.getValueAtPercentile(99.9) / 1000,
    counted: histogram.totalCount,
    lost: total - received,
    sent: total,
  };
  histogram.destroy();
  return result;
}
