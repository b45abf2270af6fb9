/**
 * The cluster's elastic operations (DESIGN §9), cluster admin only when auth is on (`admin` on
 * topics `"*"`). Each answers 202 once the controller has started the moves; they complete as
 * the new replicas catch up (describe shows `adding_replicas` / `removing_replicas` meanwhile).
 *
 * - `PUT /v1/topics/{t}/partitions/{p}/replicas` `{"replicas":[...]}`: moves one partition.
 * - `DELETE /v1/cluster/brokers/{id}`: moves every replica off a broker, or refuses (409
 *   `not_enough_brokers`) when the others cannot hold some partition's replication factor.
 * - `POST /v1/cluster/rebalance`: spreads replicas and preferred leaders evenly.
 */
import { RivuletError } from "../../core/errors.ts";
import { isClusterAdmin } from "../../auth/rights.ts";
import type { MovesResult } from "../../cluster/controller/topic-requests.ts";
import type { ClusterAdminApi } from "../../cluster/node/cluster-admin.ts";
import { readParsedBody } from "../body.ts";
import type { AppContext, HttpContext } from "../context.ts";
import { requestEncoding } from "../media.ts";
import { partitionParam, topicParam } from "../openapi/schemas.ts";
import { parsePartition, parseTopic } from "../params.ts";
import { isPlainObject } from "../records/record-checks.ts";
import type { Router } from "../router.ts";

const movesSchema = {
  type: "object",
  properties: {
    moves: {
      type: "array",
      description: "The partitions whose moves started, with their new replica lists",
      items: { type: "object", properties: { topic: { type: "string" }, partition: { type: "integer" }, replicas: { type: "array", items: { type: "integer" } } } },
    },
  },
} as const;

/** The cluster's admin operations, for a cluster admin only. */
function admin(c: AppContext, ctx: HttpContext): ClusterAdminApi {
  const principal = c.get("principal");
  if (principal && !isClusterAdmin(principal)) {
    throw new RivuletError("forbidden", `principal "${principal.name}" is not a cluster admin (admin on topics "*")`, { access: "admin", topic: "*" });
  }
  const found = ctx.options.cluster?.admin;
  if (!found) throw new RivuletError("invalid_request", "this broker runs alone: moving replicas needs a cluster (serve --etcd)");
  return found;
}

function renderMoves(result: MovesResult): Record<string, unknown> {
  return { moves: result.moves.map((m) => ({ topic: m.topic, partition: m.partition, replicas: m.replicas })) };
}

/** Declares the partition-move, drain and rebalance routes. */
export function clusterAdminRoutes(router: Router, ctx: HttpContext): void {
  router.route({
    method: "put", path: "/v1/topics/:topic/partitions/:p/replicas", operationId: "reassignPartition", tag: "operations",
    summary: "Move a partition to other brokers (cluster admin)", access: "token", params: [topicParam, partitionParam],
    body: {
      description: "The new replicas, the preferred leader first; as many as the replication factor",
      schema: { type: "object", required: ["replicas"], properties: { replicas: { type: "array", items: { type: "integer" } } } },
    },
    responses: { 202: { description: "The move started; describe shows its progress" } },
  }, async (c) => {
    const topic = parseTopic(c.req.param("topic"));
    const partition = parsePartition(c.req.param("p"));
    const cluster = admin(c, ctx);
    const { value } = await readParsedBody(c.req.raw, requestEncoding(c.req.header("content-type")), ctx.options.limits.httpBodyBytesMax);
    if (!isPlainObject(value) || !Array.isArray(value.replicas)) throw new RivuletError("invalid_request", `the body must be {"replicas":[broker ids]}`);
    await cluster.reassign(topic, partition, value.replicas as number[]);
    return c.json({ topic, partition, replicas: value.replicas }, 202);
  });

  router.route({
    method: "delete", path: "/v1/cluster/brokers/:id", operationId: "drainBroker", tag: "operations",
    summary: "Move every replica off a broker (cluster admin)", access: "token",
    params: [{ name: "id", in: "path", description: "Broker id", schema: { type: "integer", minimum: 0 } }],
    responses: {
      202: { description: "The moves started", schema: movesSchema },
      409: { description: "not_enough_brokers: the other brokers cannot hold some partition's replication factor" },
    },
  }, async (c) => {
    const raw = c.req.param("id") ?? "";
    if (!/^\d{1,10}$/.test(raw) || Number(raw) > 0x7fffffff) throw new RivuletError("invalid_request", `broker id must be an integer from 0 to 2^31-1, got ${JSON.stringify(raw.slice(0, 40))}`);
    const result = await admin(c, ctx).drain(Number(raw));
    return c.json({ broker: Number(raw), ...renderMoves(result) }, 202);
  });

  router.route({
    method: "post", path: "/v1/cluster/rebalance", operationId: "rebalanceCluster", tag: "operations",
    summary: "Spread replicas and preferred leaders evenly over the brokers (cluster admin)", access: "token",
    responses: { 202: { description: "The moves started (none when already even)", schema: movesSchema } },
  }, async (c) => {
    const result = await admin(c, ctx).rebalance();
    return c.json(renderMoves(result), 202);
  });
}
