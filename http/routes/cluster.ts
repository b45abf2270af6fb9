/**
 * `GET /v1/cluster`: the cluster this broker is in — its id, the controller, the live brokers
 * with their HTTP and Kafka ports. A broker running alone answers with itself as the only
 * broker and the controller.
 */
import type { HttpContext } from "../context.ts";
import type { Router } from "../router.ts";
import { singleNodeView } from "../../cluster/node/cluster-view.ts";

/** Declares the cluster route. */
export function clusterRoutes(router: Router, ctx: HttpContext): void {
  router.route({
    method: "get", path: "/v1/cluster", operationId: "describeCluster", tag: "operations", summary: "The cluster: id, controller, live brokers", access: "token",
    responses: {
      200: {
        description: "The cluster",
        schema: {
          type: "object",
          properties: {
            cluster_id: { type: "string" },
            controller: { type: "integer", description: "The controller's broker id (-1 while none is elected)" },
            brokers: {
              type: "array",
              items: {
                type: "object",
                properties: { id: { type: "integer" }, host: { type: "string" }, port: { type: "integer" }, kafka_port: { type: ["integer", "null"] }, status: { const: "online" } },
              },
            },
          },
        },
      },
    },
  }, (c) => {
    const view = ctx.options.cluster;
    if (view?.clustered) return c.json({ cluster_id: view.clusterId, controller: view.controllerId(), brokers: view.brokers() });
    // Alone: this broker, at the address the client reached (its Kafka port from the view when it has one).
    const url = new URL(c.req.url);
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    const kafkaPort = view?.brokers()[0]?.kafka_port ?? null;
    const self = singleNodeView({ host: url.hostname.replace(/^\[|\]$/g, ""), port, kafkaPort: kafkaPort ?? undefined });
    return c.json({ cluster_id: self.clusterId, controller: self.controllerId(), brokers: self.brokers() });
  });
}
