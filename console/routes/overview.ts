/**
 * `GET /api/overview`: the broker (a single node: this one, its workers and health) and the
 * topics the principal may see, each with partition count, records, size on disk and produce
 * and fetch rates. At most `consoleOverviewTopicsMax` topics are described; the rest are
 * counted in `topics_total`.
 */
import type { Hono } from "hono";
import { canSeeTopic } from "../../auth/rights.ts";
import type { BrokerApi } from "../../broker/types.ts";
import { isRivuletError } from "../../core/errors.ts";
import { type ConsoleEnv, type ConsoleState, principalOf } from "../context.ts";
import type { TopicRates } from "../rate-meter.ts";

async function describeTopicRow(broker: BrokerApi, name: string, rates: TopicRates | undefined): Promise<Record<string, unknown> | null> {
  try {
    const topic = await broker.describeTopic(name);
    let records = 0;
    let sizeBytes = 0;
    let online = 0;
    for (const p of topic.partitions) {
      records += p.endOffset - p.startOffset;
      sizeBytes += p.sizeBytes;
      if (p.status === "online") online++;
    }
    return {
      name,
      partitions: topic.partitions.length,
      online_partitions: online,
      records,
      size_bytes: sizeBytes,
      produce_records_per_sec: rates?.produceRecordsPerSec ?? null,
      fetch_records_per_sec: rates?.fetchRecordsPerSec ?? null,
      produce_bytes_per_sec: rates?.produceBytesPerSec ?? null,
      fetch_bytes_per_sec: rates?.fetchBytesPerSec ?? null,
    };
  } catch (error) {
    if (isRivuletError(error, "unknown_topic")) return null; // deleted meanwhile
    throw error;
  }
}

/** Declares the overview route. */
export function overviewRoutes(app: Hono<ConsoleEnv>, state: ConsoleState): void {
  const { broker, options: { limits } } = state;
  app.get("/api/overview", async (c) => {
    const principal = principalOf(c, state);
    const names = (await broker.listTopics()).filter((name) => principal === null || canSeeTopic(principal, name)).sort();
    const rates = state.rates.rates();
    const shown = names.slice(0, limits.consoleOverviewTopicsMax);
    const rows = await Promise.all(shown.map((name) => describeTopicRow(broker, name, rates.get(name))));
    const health = broker.health();
    const workers = broker.workers();
    return c.json({
      brokers: [{
        id: "local",
        role: "single node",
        status: health.status,
        offline_partitions: health.offlinePartitions.length,
        restarting_partitions: health.restartingPartitions.length,
        workers: workers.length,
        worker_restarts: workers.reduce((sum, w) => sum + w.restarts, 0),
      }],
      topics: rows.filter((row) => row !== null),
      topics_total: names.length,
      rate_window_ms: limits.consoleRateWindowMs,
    });
  });
}
