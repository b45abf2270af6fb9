/** `GET /health`: 200 `{"status":"ok"}`, or 503 while partitions are offline. */
import type { HttpContext } from "../context.ts";
import type { Router } from "../router.ts";

/** Declares the health route. */
export function healthRoutes(router: Router, ctx: HttpContext): void {
  router.route({
    method: "get", path: "/health", operationId: "health", tag: "operations", summary: "Liveness and readiness", access: "public",
    responses: {
      200: { description: "Serving", schema: { type: "object", properties: { status: { const: "ok" } } } },
      503: { description: "Partitions are offline", schema: { type: "object", properties: { status: { const: "degraded" }, offline_partitions: { type: "array" } } } },
    },
  }, (c) => {
    const health = ctx.broker.health();
    const body: Record<string, unknown> = { status: health.offlinePartitions.length > 0 ? "degraded" : "ok" };
    if (health.offlinePartitions.length > 0) body.offline_partitions = health.offlinePartitions;
    if (health.restartingPartitions.length > 0) body.restarting_partitions = health.restartingPartitions;
    return c.json(body, health.offlinePartitions.length > 0 ? 503 : 200);
  });
}
