/**
 * `POST /v1/topics/{topic}/partitions/{p}/batches`: appends Kafka record batches (v2, the bytes
 * a Kafka Produce carries) to one partition, as the Kafka door does, acks=all. In a cluster this
 * is how the broker that owns the idempotent HTTP producers' registry writes a request's batch at
 * another partition's leader: the batch keeps its producer id, epoch and base sequence, so the
 * leader's duplicate detection answers a retried batch with its first offsets. Any client with
 * the write right may use it (it can append the same batches over the Kafka listener).
 */
import { readRequestBody } from "../../runtime/request-body.ts";
import { RivuletError } from "../../core/errors.ts";
import type { AppEnv, HttpContext } from "../context.ts";
import { partitionParam, topicParam } from "../openapi/schemas.ts";
import { parseBoundedInt, parseOffset, parsePartition, parseTopic } from "../params.ts";
import { replyWith } from "../reply.ts";
import { batchReadHeaders, forwardedHeader } from "../../cluster/node/broker-http.ts";
import { validateTopicName } from "../../core/topic-name.ts";
import type { Context } from "hono";
import { checkTransactionalBatches } from "../transactional-batches.ts";

/**
 * The path's topic; another broker of the cluster (the Durable Streams coordinator) may also
 * name an internal topic, as it reads and writes stream topics at their leaders. The
 * forwarded-by header alone proves nothing (any client can send it): with auth on, the caller
 * must also be the inter-broker principal.
 */
function batchTopic(c: Context<AppEnv>, ctx: HttpContext): string {
  const raw = c.req.param("topic");
  const fromBroker = c.req.header(forwardedHeader) !== undefined && (ctx.options.auth === null || (ctx.options.interBrokerUser !== null && c.get("principal")?.name === ctx.options.interBrokerUser));
  if (!fromBroker) return parseTopic(raw);
  validateTopicName(raw, { internal: true });
  return raw!;
}
import type { Router } from "../router.ts";

const integer = (description: string) => ({ type: "integer", description });

/** Declares the batch-append route and the batch-read route. */
export function batchRoutes(router: Router, ctx: HttpContext): void {
  const { limits } = ctx.options;
  router.route({
    method: "post", path: "/v1/topics/:topic/partitions/:p/batches", operationId: "appendBatches", tag: "records",
    summary: "Append Kafka record batches (v2) to one partition (used between the brokers of a cluster)",
    description: "The body is one or more Kafka RecordBatch v2 as a Produce request carries them (`application/octet-stream`); they are validated as the Kafka listener validates them and appended with acks=all. " +
      "An idempotent batch (producer id, epoch, base sequence) already in the log is answered with its original offsets. " +
      "A transactional batch needs `transactional_id` and is appended only when its producer holds that id at the batch's epoch with this partition in its ongoing transaction (KIP-890; else 409 invalid_txn_state, or producer_fenced / invalid_producer_id_mapping).",
    access: { access: "write", topic: "path" },
    params: [topicParam, partitionParam, { name: "transactional_id", in: "query", description: "The transactional id of the producer of transactional batches (as a Kafka Produce carries it)", schema: { type: "string" } }],
    responses: { 200: { description: "Where the batches landed", schema: { type: "object", properties: { base_offset: integer("Offset of the first record"), last_offset: integer("Offset of the last record"), log_append_time: integer("-1 for CreateTime topics"), log_start_offset: integer("The partition's log start offset") } } } },
  }, async (c) => {
    const topic = batchTopic(c, ctx);
    const partition = parsePartition(c.req.param("p"));
    const type = c.req.header("content-type")?.split(";")[0].trim().toLowerCase();
    if (type !== "application/octet-stream") throw new RivuletError("unsupported_media_type", "record batches are sent as application/octet-stream");
    const body = await readRequestBody(c.req.raw, limits.httpBodyBytesMax);
    if (body.byteLength === 0) throw new RivuletError("invalid_request", "the body holds no record batch");
    await checkTransactionalBatches(ctx.broker, body, { topic, partition, transactionalId: c.req.query("transactional_id") ?? null, principal: c.get("principal"), transactionalIdLengthMax: limits.transactionalIdLengthMax });
    const result = await ctx.broker.appendBatch(topic, partition, body, { acks: "all" });
    return replyWith({ base_offset: result.baseOffset, last_offset: result.lastOffset, log_append_time: result.logAppendTime, log_start_offset: result.logStartOffset }, "json");
  });

  router.route({
    method: "get", path: "/v1/topics/:topic/partitions/:p/batches", operationId: "readBatches", tag: "records",
    summary: "Read stored Kafka record batches (v2) of one partition (used between the brokers of a cluster)",
    description: "The body is whole stored batches from `offset` (the first may start before it), read_uncommitted, as a Kafka Fetch returns them (`application/octet-stream`); " +
      "`rivulet-offset`, `rivulet-high-watermark`, `rivulet-last-stable-offset` and `rivulet-log-start-offset` give the offsets. With `wait_ms`, waits for records at `offset` when none are there yet.",
    access: { access: "read", topic: "path" }, params: [topicParam, partitionParam],
    responses: { 200: { description: "Stored batches", mediaType: "application/octet-stream" } },
  }, async (c) => {
    const topic = batchTopic(c, ctx);
    const partition = parsePartition(c.req.param("p"));
    const offset = parseOffset(c.req.query("offset"), "earliest");
    const maxBytes = parseBoundedInt(c.req.query("max_bytes"), "max_bytes", limits.fetchBytesMax, limits.fetchBytesMax);
    const waitMs = parseBoundedInt(c.req.query("wait_ms"), "wait_ms", 0, limits.fetchWaitMsMax);
    const result = await ctx.broker.fetchBatches(topic, partition, { offset, maxBytes: Math.max(1, maxBytes), waitMs, signal: c.req.raw.signal });
    return new Response(result.batches as unknown as BodyInit, {
      status: 200,
      headers: {
        "content-type": "application/octet-stream",
        [batchReadHeaders.offset]: String(result.offset),
        [batchReadHeaders.highWatermark]: String(result.highWatermark),
        [batchReadHeaders.lastStableOffset]: String(result.lastStableOffset),
        [batchReadHeaders.logStartOffset]: String(result.logStartOffset),
      },
    });
  });
}
