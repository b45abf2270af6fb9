/**
 * Produce and fetch rates per topic for the overview, from the broker's cumulative counters
 * (`BrokerApi.stats.topics`): the difference between now and a snapshot at least
 * `windowMs` old, divided by the time between them. Two snapshots are kept (the baseline and
 * the newest), so memory is two counter maps however often the overview is asked for.
 * Main thread only.
 */
import type { BrokerApi, TopicCounters } from "../broker/types.ts";
import type { Clock } from "../core/clock.ts";

/** Records per second produced and fetched, or null before any time has passed. */
export interface TopicRates {
  produceRecordsPerSec: number | null;
  fetchRecordsPerSec: number | null;
  produceBytesPerSec: number | null;
  fetchBytesPerSec: number | null;
}

interface Snapshot {
  atMs: number;
  counters: Map<string, TopicCounters>;
}

const none: TopicRates = { produceRecordsPerSec: null, fetchRecordsPerSec: null, produceBytesPerSec: null, fetchBytesPerSec: null };

/** Per-topic produce and fetch rates from the broker's counters. */
export class RateMeter {
  readonly #broker: BrokerApi;
  readonly #clock: Clock;
  readonly #windowMs: number;
  #baseline: Snapshot;
  #newest: Snapshot;

  /**
   * @param broker whose counters are read
   * @param clock the time source
   * @param windowMs the shortest span a rate is averaged over (`consoleRateWindowMs`)
   */
  constructor(broker: BrokerApi, clock: Clock, windowMs: number) {
    this.#broker = broker;
    this.#clock = clock;
    this.#windowMs = windowMs;
    this.#baseline = this.#newest = this.#snapshot();
  }

  #snapshot(): Snapshot {
    const counters = new Map<string, TopicCounters>();
    for (const [topic, c] of this.#broker.stats.topics) counters.set(topic, { ...c });
    return { atMs: this.#clock.now(), counters };
  }

  /**
   * The rates of every topic now, averaged since the baseline; moves the baseline forward once
   * the newest snapshot is a window old.
   *
   * @returns topic → rates
   */
  rates(): Map<string, TopicRates> {
    const now = this.#snapshot();
    if (now.atMs - this.#newest.atMs >= this.#windowMs) {
      this.#baseline = this.#newest;
      this.#newest = now;
    }
    const base = this.#baseline;
    const seconds = (now.atMs - base.atMs) / 1000;
    const out = new Map<string, TopicRates>();
    for (const [topic, c] of now.counters) {
      const before = base.counters.get(topic) ?? { producedRecords: 0, producedBytes: 0, fetchedRecords: 0, fetchedBytes: 0 };
      // A topic deleted and created again restarts its counters: never a negative rate.
      const rate = (now: number, then: number) => Math.max(0, now - then) / seconds;
      out.set(topic, seconds <= 0 ? none : {
        produceRecordsPerSec: rate(c.producedRecords, before.producedRecords),
        fetchRecordsPerSec: rate(c.fetchedRecords, before.fetchedRecords),
        produceBytesPerSec: rate(c.producedBytes, before.producedBytes),
        fetchBytesPerSec: rate(c.fetchedBytes, before.fetchedBytes),
      });
    }
    return out;
  }
}
