/**
 * The broker's own metrics, when it offers a `metrics()` snapshot (worker restarts, appends,
 * fsyncs …). The contract in `broker/types.ts` does not have one yet, so this reads it
 * defensively: every finite number in the snapshot becomes a gauge `rivulet_broker_<path>`.
 */
import type { BrokerApi } from "../../broker/types.ts";
import type { PrometheusText } from "./prometheus-text.ts";

function metricName(path: string[]): string {
  return `rivulet_broker_${path.join("_")}`.replace(/[^a-zA-Z0-9_]/g, "_").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

function walk(out: PrometheusText, value: unknown, path: string[], depth: number): void {
  if (typeof value === "number" && Number.isFinite(value)) {
    const name = metricName(path);
    out.sample(name, name.endsWith("_total") ? "counter" : "gauge", `Broker snapshot: ${path.join(".")}`, value);
  } else if (depth < 3 && typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) walk(out, inner, [...path, key], depth + 1);
  }
}

/** Writes the broker's snapshot, if it has one. */
export function writeBrokerSnapshot(out: PrometheusText, broker: BrokerApi): void {
  const source = broker as BrokerApi & { metrics?: () => unknown };
  if (typeof source.metrics !== "function") return;
  walk(out, source.metrics(), [], 0);
}
