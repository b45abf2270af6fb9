/**
 * The broker's own figures for `/metrics`: worker restart counts (`workers()`) and per-topic
 * produce/fetch counters of every front end (`stats.topics`).
 */
import type { BrokerApi, TopicCounters } from "../../broker/types.ts";
import type { PrometheusText } from "./prometheus-text.ts";

function writeWorkers(out: PrometheusText, broker: BrokerApi): void {
  const help = "Restarts of the worker thread after a crash or a hang";
  out.declare("rivulet_worker_restarts_total", "counter", help);
  for (const w of broker.workers()) {
    out.sample("rivulet_worker_restarts_total", "counter", help, w.restarts, { worker: w.worker });
    out.sample("rivulet_worker_running", "gauge", "1 while the worker thread serves", w.status === "running" ? 1 : 0, { worker: w.worker, status: w.status });
  }
}

function writeTopicCounters(out: PrometheusText, broker: BrokerApi): void {
  const families: Array<[keyof TopicCounters, string, string]> = [
    ["producedRecords", "rivulet_produced_records_total", "Records appended (every front end)"],
    ["producedBytes", "rivulet_produced_bytes_total", "Bytes appended (every front end)"],
    ["fetchedRecords", "rivulet_fetched_records_total", "Records read (every front end)"],
    ["fetchedBytes", "rivulet_fetched_bytes_total", "Bytes read (every front end)"],
  ];
  for (const [field, name, help] of families) {
    out.declare(name, "counter", help);
    for (const [topic, counters] of broker.stats.topics) out.sample(name, "counter", help, counters[field], { topic });
  }
}

/** Writes the broker's worker and per-topic counters. */
export function writeBrokerSnapshot(out: PrometheusText, broker: BrokerApi): void {
  writeWorkers(out, broker);
  writeTopicCounters(out, broker);
}
