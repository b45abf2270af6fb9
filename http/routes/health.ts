/**
 * `GET /health`: 200 `{"status":"ok"}`, or 503 while partitions are offline. A clustered broker
 * adds the cluster's under-replicated and leaderless partitions (counts, and the first
 * `healthPartitionsListedMax` of each by name): under-replicated ones make the status
 * `degraded` with 200 (still served); a leaderless partition this broker holds a replica of, or
 * a broker still joining its cluster, makes it 503.
 */
import { clusterHealth } from "../../cluster/node/cluster-health.ts";
import type { HttpContext } from "../context.ts";
import type { Router } from "../router.ts";

const partitionList = { type: "array", items: { type: "object", properties: { topic: { type: "string" }, partition: { type: "integer" }, leader: { type: "integer" }, replicas: { type: "array", items: { type: "integer" } }, isr: { type: "array", items: { type: "integer" } } } } };
const clusterSchema = {
  type: "object",
  description: "Clustered brokers only: the cluster's partitions as this broker's metadata shows them",
  properties: {
    broker_id: { type: "integer" },
    joined: { type: "boolean", description: "False while this broker is still joining the cluster" },
    under_replicated_count: { type: "integer" },
    leaderless_count: { type: "integer" },
    under_replicated_partitions: partitionList,
    leaderless_partitions: partitionList,
  },
};

/** Declares the health route. */
export function healthRoutes(router: Router, ctx: HttpContext): void {
  const view = ctx.options.cluster;
  router.route({
    method: "get", path: "/health", operationId: "health", tag: "operations", summary: "Liveness and readiness", access: "public",
    responses: {
      200: { description: "Serving (`degraded` when cluster partitions are under-replicated)", schema: { type: "object", properties: { status: { enum: ["ok", "degraded"] }, cluster: clusterSchema } } },
      503: { description: "Partitions are offline, or leaderless on this broker, or the broker is joining its cluster", schema: { type: "object", properties: { status: { enum: ["degraded", "starting"] }, offline_partitions: { type: "array" }, cluster: clusterSchema } } },
    },
  }, (c) => {
    const health = ctx.broker.health();
    let unready = health.offlinePartitions.length > 0;
    let degraded = unready;
    const body: Record<string, unknown> = {};
    if (health.offlinePartitions.length > 0) body.offline_partitions = health.offlinePartitions;
    if (health.restartingPartitions.length > 0) body.restarting_partitions = health.restartingPartitions;
    let starting = false;
    if (view?.clustered) {
      const cluster = clusterHealth(view, ctx.options.limits.healthPartitionsListedMax);
      starting = !cluster.joined;
      unready ||= starting || cluster.leaderlessHereCount > 0;
      degraded ||= cluster.underReplicatedCount > 0 || cluster.leaderlessCount > 0;
      body.cluster = {
        broker_id: cluster.brokerId,
        joined: cluster.joined,
        under_replicated_count: cluster.underReplicatedCount,
        leaderless_count: cluster.leaderlessCount,
        under_replicated_partitions: cluster.underReplicated,
        leaderless_partitions: cluster.leaderless,
      };
    }
    return c.json({ status: starting ? "starting" : degraded ? "degraded" : "ok", ...body }, unready ? 503 : 200);
  });
}
