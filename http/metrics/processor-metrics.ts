/**
 * `/metrics` for stream-processing apps running on the served broker: per task the input lag,
 * records/s, restore progress and late drops; per store entries and bytes.
 */
import { runningProcessors } from "../../processors/runtime/processors.ts";
import type { PrometheusText } from "./prometheus-text.ts";

/**
 * Writes the processor families (declared even with no app, so scrapers see them).
 *
 * @param broker the served broker
 */
export function writeProcessors(out: PrometheusText, broker: object): void {
  const families = {
    lag: ["rivulet_processor_task_lag_records", "Records of a task's input partition not yet processed and written"],
    rate: ["rivulet_processor_task_records_per_second", "Input records a task processed per second (last interval)"],
    processed: ["rivulet_processor_task_records_total", "Input records a task processed since it was created here"],
    restoreDone: ["rivulet_processor_task_restore_replayed_records", "Changelog records replayed by the task's latest restore"],
    restoreTotal: ["rivulet_processor_task_restore_total_records", "Changelog records the task's latest restore has to replay"],
    late: ["rivulet_processor_task_late_dropped_total", "Records dropped because they arrived past their window's grace"],
    restores: ["rivulet_processor_task_restores_total", "Times the task was opened and restored (moves after a worker died included)"],
    entries: ["rivulet_processor_store_entries", "Entries in a task's store"],
    bytes: ["rivulet_processor_store_bytes", "Key and value bytes in a task's store (counted against processorStoreBytesMax)"],
  } as const;
  const counters = new Set(["processed", "late", "restores"]);
  for (const [k, [name, help]] of Object.entries(families)) out.declare(name, counters.has(k) ? "counter" : "gauge", help);
  const gauge = (k: keyof typeof families, value: number, labels: Record<string, string | number>) => out.sample(families[k][0], counters.has(k) ? "counter" : "gauge", families[k][1], value, labels);
  for (const app of runningProcessors(broker)?.list() ?? []) {
    for (const task of app.status().tasks) {
      const labels = { app: app.appId, task: task.partition };
      for (const input of task.inputs) gauge("lag", input.lag, { ...labels, topic: input.topic, partition: input.partition });
      gauge("rate", task.recordsPerSecond, labels);
      gauge("processed", task.processed, labels);
      gauge("late", task.lateDropped, labels);
      gauge("restores", task.restores, labels);
      for (const [store, r] of Object.entries(task.restore)) {
        gauge("restoreDone", r.replayed, { ...labels, store });
        gauge("restoreTotal", r.total, { ...labels, store });
      }
      for (const [store, size] of Object.entries(task.stores)) {
        gauge("entries", size.entries, { ...labels, store });
        gauge("bytes", size.bytes, { ...labels, store });
      }
    }
  }
}
