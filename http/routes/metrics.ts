/** `GET /metrics`: Prometheus text. */
import type { HttpContext } from "../context.ts";
import { collectMetrics } from "../metrics/collect-metrics.ts";
import type { Router } from "../router.ts";

/** Declares the metrics route. */
export function metricsRoutes(router: Router, ctx: HttpContext): void {
  router.route({
    method: "get", path: "/metrics", operationId: "metrics", tag: "operations", access: "token",
    summary: "Prometheus metrics: rates, bytes, log sizes and offsets, group lag in records and seconds, offline partitions, failed authentications",
    responses: { 200: { description: "Prometheus text exposition", mediaType: "text/plain; version=0.0.4", schema: { type: "string" } } },
  }, async () => {
    const text = await collectMetrics({
      broker: ctx.broker, http: ctx.metrics, clock: ctx.options.clock, sseOpen: ctx.sse.open,
      membersTracked: ctx.members.size, lagFetchesMax: ctx.options.limits.metricsLagFetchesMax,
      authFailures: ctx.options.auth?.failures.counts ?? null,
      replication: ctx.options.replicationMetrics,
    });
    return new Response(text, { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" } });
  });
}
