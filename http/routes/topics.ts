/** Topic admin routes: list, create, describe, delete. */
import type { TopicDescription } from "../../broker/types.ts";
import { RivuletError } from "../../core/errors.ts";
import { validateTopicName } from "../../core/topic-name.ts";
import { readParsedBody } from "../body.ts";
import { authorize, type HttpContext } from "../context.ts";
import { canSeeTopic } from "../../auth/rights.ts";
import { requestEncoding, responseEncoding } from "../media.ts";
import { topicParam, topicSchema } from "../openapi/schemas.ts";
import { parseTopic } from "../params.ts";
import { isPlainObject } from "../records/record-checks.ts";
import { replyWith } from "../reply.ts";
import type { Router } from "../router.ts";

/** A topic description in the API's shape. */
export function renderTopic(topic: TopicDescription): Record<string, unknown> {
  return {
    name: topic.name,
    partitions: topic.partitions.map((p) => ({
      partition: p.partition,
      start_offset: p.startOffset,
      end_offset: p.endOffset,
      worker: p.worker,
      status: p.status,
      size_bytes: p.sizeBytes,
      ...(p.leader === undefined ? {} : { leader: p.leader, replicas: p.replicas, isr: p.isr, leader_epoch: p.leaderEpoch }),
      ...(p.addingReplicas === undefined ? {} : { adding_replicas: p.addingReplicas, removing_replicas: p.removingReplicas }),
    })),
    config: topic.config,
  };
}

function parseCreate(body: unknown, partitionsMax: number): { name: string; partitions: number; config: Record<string, unknown>; replicationFactor?: number } {
  if (!isPlainObject(body)) throw new RivuletError("invalid_request", `the body must be {"name","partitions","config"}`);
  validateTopicName(body.name);
  const partitions = body.partitions ?? 1;
  if (typeof partitions !== "number" || !Number.isInteger(partitions) || partitions < 1 || partitions > partitionsMax) {
    throw new RivuletError("invalid_request", `partitions must be an integer from 1 to ${partitionsMax}`, { limit: partitionsMax });
  }
  const config = body.config ?? {};
  if (!isPlainObject(config)) throw new RivuletError("invalid_config", "config must be an object of name → value");
  const factor = body.replication_factor;
  if (factor !== undefined && (typeof factor !== "number" || !Number.isInteger(factor) || factor < 1)) {
    throw new RivuletError("invalid_replication_factor", "replication_factor must be a positive integer");
  }
  return { name: body.name, partitions, config, ...(factor === undefined ? {} : { replicationFactor: factor }) };
}

/** Declares the topic routes. */
export function topicRoutes(router: Router, ctx: HttpContext): void {
  const { broker, options } = ctx;
  router.route({
    method: "get", path: "/v1/topics", operationId: "listTopics", tag: "topics", summary: "List topics", access: "token", cbor: true,
    responses: { 200: { description: "Topic names", schema: { type: "object", properties: { topics: { type: "array", items: { type: "string" } } } } } },
  }, async (c) => {
    const principal = c.get("principal");
    const names = await broker.listTopics();
    const topics = principal ? names.filter((name) => canSeeTopic(principal, name)) : names;
    return replyWith({ topics }, responseEncoding(c.req.header("accept")));
  });

  router.route({
    method: "post", path: "/v1/topics", operationId: "createTopic", tag: "topics", summary: "Create a topic", access: "token", cbor: true,
    body: {
      description: "Name, partition count and config (Kafka names)",
      cbor: true,
      schema: {
        type: "object", required: ["name"],
        properties: { name: { type: "string" }, partitions: { type: "integer", minimum: 1 }, replication_factor: { type: "integer", minimum: 1 }, config: { type: "object" } },
      },
    },
    responses: { 201: { description: "Created", schema: topicSchema }, 409: { description: "The topic exists" } },
  }, async (c) => {
    const encoding = requestEncoding(c.req.header("content-type"));
    const { value } = await readParsedBody(c.req.raw, encoding, options.limits.httpBodyBytesMax);
    const request = parseCreate(value, options.limits.topicPartitionsMax);
    authorize(c, "admin", request.name);
    const topic = await broker.createTopic(request.name, { partitions: request.partitions, config: request.config, replicationFactor: request.replicationFactor });
    const response = replyWith(renderTopic(topic), responseEncoding(c.req.header("accept")), 201);
    response.headers.set("location", `/v1/topics/${topic.name}`);
    return response;
  });

  router.route({
    method: "get", path: "/v1/topics/:topic", operationId: "describeTopic", tag: "topics", summary: "Describe a topic: partitions with start and end offsets, worker, config",
    access: { access: "read", topic: "path" }, cbor: true, params: [topicParam],
    responses: { 200: { description: "The topic", schema: topicSchema } },
  }, async (c) => {
    const topic = await broker.describeTopic(parseTopic(c.req.param("topic")));
    return replyWith(renderTopic(topic), responseEncoding(c.req.header("accept")));
  });

  router.route({
    method: "delete", path: "/v1/topics/:topic", operationId: "deleteTopic", tag: "topics", summary: "Delete a topic and its data",
    access: { access: "admin", topic: "path" }, params: [topicParam],
    responses: { 204: { description: "Deleted" } },
  }, async (c) => {
    await broker.deleteTopic(parseTopic(c.req.param("topic")));
    return new Response(null, { status: 204 });
  });
}
