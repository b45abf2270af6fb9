/**
 * Counters the HTTP layer keeps itself: records and bytes produced and fetched per topic,
 * requests by status, errors by code, and SSE activity. Topic cardinality is bounded by
 * `topicsMax`; codes by the error table.
 */
import type { PrometheusText } from "./prometheus-text.ts";

function bump(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** The HTTP layer's own counters. */
export class HttpMetrics {
  readonly produceRecords = new Map<string, number>();
  readonly produceBytes = new Map<string, number>();
  readonly fetchRecords = new Map<string, number>();
  readonly fetchBytes = new Map<string, number>();
  readonly responses = new Map<string, number>();
  readonly errors = new Map<string, number>();
  sseEvents = 0;
  sseBytes = 0;
  sseOpened = 0;
  sseCutOff = 0;
  /** Most bytes one SSE stream has had queued at once (to check backpressure). */
  sseQueuedBytesPeak = 0;

  /** Counts a produce request's records and body bytes. */
  produced(topic: string, records: number, bytes: number): void {
    bump(this.produceRecords, topic, records);
    bump(this.produceBytes, topic, bytes);
  }

  /** Counts fetched records and response bytes (fetch, group polls and SSE). */
  fetched(topic: string, records: number, bytes: number): void {
    bump(this.fetchRecords, topic, records);
    bump(this.fetchBytes, topic, bytes);
  }

  /** Counts a response by status. */
  answered(status: number): void {
    bump(this.responses, String(status), 1);
  }

  /** Counts an error answer by its code (its status is counted by {@link answered}). */
  failed(code: string): void {
    bump(this.errors, code, 1);
  }

  /** Writes the counters. */
  write(out: PrometheusText): void {
    const perTopic = (name: string, help: string, map: Map<string, number>) => {
      out.declare(name, "counter", help);
      for (const [topic, value] of map) out.sample(name, "counter", help, value, { topic });
    };
    perTopic("rivulet_http_produced_records_total", "Records produced over HTTP", this.produceRecords);
    perTopic("rivulet_http_produced_bytes_total", "Request body bytes of HTTP produce requests", this.produceBytes);
    perTopic("rivulet_http_fetched_records_total", "Records sent over HTTP (fetch, group poll, SSE)", this.fetchRecords);
    perTopic("rivulet_http_fetched_bytes_total", "Response bytes of records sent over HTTP", this.fetchBytes);
    out.declare("rivulet_http_responses_total", "counter", "HTTP responses by status");
    for (const [status, value] of this.responses) out.sample("rivulet_http_responses_total", "counter", "HTTP responses by status", value, { status });
    out.declare("rivulet_http_errors_total", "counter", "HTTP error responses by code");
    for (const [code, value] of this.errors) out.sample("rivulet_http_errors_total", "counter", "HTTP error responses by code", value, { code });
    out.sample("rivulet_sse_streams_opened_total", "counter", "SSE streams opened", this.sseOpened);
    out.sample("rivulet_sse_events_total", "counter", "SSE record events sent", this.sseEvents);
    out.sample("rivulet_sse_bytes_total", "counter", "SSE bytes queued to clients", this.sseBytes);
    out.sample("rivulet_sse_cut_off_total", "counter", "SSE clients cut off for not draining", this.sseCutOff);
    out.sample("rivulet_sse_queued_bytes_peak", "gauge", "Most bytes one SSE stream has had queued at once", this.sseQueuedBytesPeak);
  }
}
