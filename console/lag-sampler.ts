/**
 * Keeps every consumer group's lag over the last hour for the console's chart: one sampling
 * round per `consoleLagSampleIntervalMs` measures each group-partition's lag (records and
 * seconds) and files it under the round's time slot. Memory is bounded by limits in
 * `core/limits.ts`: at most `consoleLagGroupsMax` groups (the first by name), at most
 * `consoleLagSeriesMax` group-partitions in all, `consoleLagSamplesMax` samples each, and at
 * most `consoleLagFetchesMax` 1-record fetches per round. Groups that disappear are dropped;
 * a series with no sample for a whole window is dropped.
 *
 * One round at a time: a round asked for while one runs shares it. Main thread only.
 */
import { clearInterval, setInterval } from "node:timers";
import type { BrokerApi } from "../broker/types.ts";
import type { Clock } from "../core/clock.ts";
import type { Limits } from "../core/limits.ts";
import { groupLag, TopicCache } from "../groups/group-lag.ts";
import { type LagSample, LagSeries } from "./lag-series.ts";

/** One group-partition's history, as the console's JSON carries it. */
export interface SeriesView {
  topic: string;
  partition: number;
  samples: LagSample[];
}

/** The lag chart's data of one group. */
export interface LagHistory {
  intervalMs: number;
  windowMs: number;
  series: SeriesView[];
}

interface TrackedSeries {
  topic: string;
  partition: number;
  series: LagSeries;
}

/** Samples every group's lag on a timer and keeps the last hour of it, bounded. */
export class LagSampler {
  readonly #broker: BrokerApi;
  readonly #limits: Limits;
  readonly #clock: Clock;
  readonly #groups = new Map<string, Map<string, TrackedSeries>>();
  #seriesCount = 0;
  #round: Promise<void> | null = null;
  #lastSlotMs = -Infinity;

  /**
   * @param broker the broker whose groups are sampled
   * @param limits the `consoleLag*` limits
   * @param clock the time source (slots are multiples of the interval on it)
   */
  constructor(broker: BrokerApi, limits: Limits, clock: Clock) {
    this.#broker = broker;
    this.#limits = limits;
    this.#clock = clock;
  }

  /** Group-partitions tracked, across all groups. */
  get seriesCount(): number {
    return this.#seriesCount;
  }

  /** Groups tracked. */
  get groupCount(): number {
    return this.#groups.size;
  }

  /**
   * Samples every interval until `signal` aborts (the timer does not keep the process alive).
   *
   * @returns a function that stops it
   */
  start(signal: AbortSignal): () => void {
    const timer = setInterval(() => void this.sample().catch(() => {}), this.#limits.consoleLagSampleIntervalMs);
    timer.unref();
    const stop = () => clearInterval(timer);
    signal.addEventListener("abort", stop, { once: true });
    return stop;
  }

  /** Runs a round unless the current slot has one already (a page asking for fresh data). */
  async sampleIfDue(): Promise<void> {
    if (this.#slotMs() > this.#lastSlotMs) await this.sample();
  }

  /** Runs one sampling round now (or joins the one running). */
  sample(): Promise<void> {
    this.#round ??= this.#sampleRound().finally(() => {
      this.#round = null;
    });
    return this.#round;
  }

  /**
   * The history of one group, oldest sample first.
   *
   * @param groupId the group
   * @param readable only series of topics this accepts are given
   */
  history(groupId: string, readable: (topic: string) => boolean): LagHistory {
    const { consoleLagSampleIntervalMs: intervalMs, consoleLagSamplesMax } = this.#limits;
    const windowMs = intervalMs * consoleLagSamplesMax;
    const since = this.#slotMs() - windowMs;
    const series: SeriesView[] = [];
    for (const tracked of this.#groups.get(groupId)?.values() ?? []) {
      if (!readable(tracked.topic)) continue;
      series.push({ topic: tracked.topic, partition: tracked.partition, samples: tracked.series.samples().filter(([t]) => t > since) });
    }
    series.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    return { intervalMs, windowMs, series };
  }

  #slotMs(): number {
    const interval = this.#limits.consoleLagSampleIntervalMs;
    return Math.floor(this.#clock.now() / interval) * interval;
  }

  #dropGroup(groupId: string): void {
    this.#seriesCount -= this.#groups.get(groupId)?.size ?? 0;
    this.#groups.delete(groupId);
  }

  async #sampleRound(): Promise<void> {
    const slot = this.#slotMs();
    const limits = this.#limits;
    const ids = (await this.#broker.groups.listGroups()).map((g) => g.groupId).sort().slice(0, limits.consoleLagGroupsMax);
    const wanted = new Set(ids);
    for (const groupId of [...this.#groups.keys()]) if (!wanted.has(groupId)) this.#dropGroup(groupId);
    const topics = new TopicCache(this.#broker);
    const fetches = { left: limits.consoleLagFetchesMax };
    for (const groupId of ids) {
      try {
        const group = await this.#broker.groups.describeGroup(groupId);
        const lags = await groupLag(group, { broker: this.#broker, topics, readable: () => true, nowMs: this.#clock.now(), fetches });
        this.#file(groupId, slot, lags);
      } catch {
        // A group that cannot be described this round (closing, a partition restarting) gets no sample.
      }
    }
    this.#lastSlotMs = slot;
  }

  #file(groupId: string, slot: number, lags: Array<{ topic: string; partition: number; records: number; seconds: number | null }>): void {
    const limits = this.#limits;
    let tracked = this.#groups.get(groupId);
    if (!tracked) this.#groups.set(groupId, tracked = new Map());
    for (const lag of lags) {
      const key = `${lag.partition}:${lag.topic}`;
      let entry = tracked.get(key);
      if (!entry) {
        if (this.#seriesCount >= limits.consoleLagSeriesMax) continue;
        entry = { topic: lag.topic, partition: lag.partition, series: new LagSeries(limits.consoleLagSamplesMax) };
        tracked.set(key, entry);
        this.#seriesCount++;
      }
      entry.series.add(slot, lag.records, lag.seconds);
    }
    const oldest = slot - limits.consoleLagSampleIntervalMs * limits.consoleLagSamplesMax;
    for (const [key, entry] of tracked) {
      if (entry.series.newestMs <= oldest) {
        tracked.delete(key);
        this.#seriesCount--;
      }
    }
  }
}
