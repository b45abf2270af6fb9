/**
 * The broker's own figures, which `BrokerApi` does not (yet) declare: worker restart counts
 * (`workers()`), per-topic produce/fetch counters of every front end (`stats.topics`), and any
 * `metrics()` snapshot. Read defensively, so the HTTP layer works over any `BrokerApi`; each
 * finite number of a `metrics()` snapshot becomes a gauge `rivulet_broker_<path>`.
 */
import type { BrokerApi } from "../../broker/types.ts";
import type { PrometheusText } from "./prometheus-text.ts";

interface TopicCounters {
  producedRecords: number;
  producedBytes: number;
  fetchedRecords: number;
  fetchedBytes: number;
}

type BrokerExtras = BrokerApi & {
  metrics?: () => unknown;
  workers?: () => Array<{ worker: number; restarts: number; status: string }>;
  stats?: { topics?: Map<string, TopicCounters> };
};

function metricName(path: string[]): string {
  return `rivulet_broker_${path.join("_")}`.replace(/[^a-zA-Z0-9_]/g, "_").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

function walk(out: PrometheusText, value: unknown, path: string[], depth: number): void {
  if (typeof value === "number" && Number.isFinite(value)) {
    const name = metricName(path);
    out.sample(name, name.endsWith("_total") ? "counter" : "gauge", `Broker snapshot: ${path.join(".")}`, value);
  } else if (depth < 3 && typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Map)) {
    for (const [key, inner] of Object.entries(value)) walk(out, inner, [...path, key], depth + 1);
  }
}

function writeWorkers(out: PrometheusText, broker: BrokerExtras): void {
  if (typeof broker.workers !== "function") return;
  const help = "Restarts of the worker thread after a crash or a hang";
  out.declare("rivulet_worker_restarts_total", "counter", help);
  for (const w of broker.workers()) {
    out.sample("rivulet_worker_restarts_total", "counter", help, w.restarts, { worker: w.worker });
    out.sample("rivulet_worker_running", "gauge", "1 while the worker thread serves", w.status === "running" ? 1 : 0, { worker: w.worker, status: w.status });
  }
}

function writeTopicCounters(out: PrometheusText, broker: BrokerExtras): void {
  const topics = broker.stats?.topics;
  if (!(topics instanceof Map)) return;
  const families: Array<[keyof TopicCounters, string, string]> = [
    ["producedRecords", "rivulet_produced_records_total", "Records appended (every front end)"],
    ["producedBytes", "rivulet_produced_bytes_total", "Bytes appended (every front end)"],
    ["fetchedRecords", "rivulet_fetched_records_total", "Records read (every front end)"],
    ["fetchedBytes", "rivulet_fetched_bytes_total", "Bytes read (every front end)"],
  ];
  for (const [field, name, help] of families) {
    out.declare(name, "counter", help);
    for (const [topic, counters] of topics) out.sample(name, "counter", help, counters[field], { topic });
  }
}

/** Writes what the broker offers beyond `BrokerApi`. */
export function writeBrokerSnapshot(out: PrometheusText, broker: BrokerApi): void {
  const extras = broker as BrokerExtras;
  writeWorkers(out, extras);
  writeTopicCounters(out, extras);
  if (typeof extras.metrics === "function") walk(out, extras.metrics(), [], 0);
}
