/**
 * Produce: `POST /v1/topics/{topic}/records`. The whole request is read within the body limit;
 * the parser checks its shape and field types, and the producer checks every record against
 * the limits (sizes, header counts, partitions) in the same pass that lays the records out for
 * their partitions — all before a single record is produced.
 */
import { isRivuletError, RivuletError } from "../../core/errors.ts";
import { parseBody } from "../body.ts";
import { readRequestBody } from "../../runtime/request-body.ts";
import type { HttpContext } from "../context.ts";
import { requestEncoding, responseEncoding } from "../media.ts";
import { produceRequestSchema, produceResponseSchema, topicParam } from "../openapi/schemas.ts";
import { parseTopic } from "../params.ts";
import { parseCborRecords } from "../records/cbor-records-in.ts";
import { scanCborRecords } from "../records/cbor-records-scan.ts";
import { parseJsonRecords } from "../records/json-records-in.ts";
import { scanJsonRecords } from "../records/json-records-scan.ts";
import { offsetsJsonBytes } from "../json/offsets-json.ts";
import { replyJsonBytes, replyWith } from "../reply.ts";
import type { Router } from "../router.ts";
import { topicMeta } from "../topic-meta.ts";

async function topicExists(ctx: HttpContext, topic: string): Promise<boolean> {
  try {
    await topicMeta(ctx.broker, topic);
    return true;
  } catch (error) {
    if (isRivuletError(error, "unknown_topic")) return false;
    throw error;
  }
}

async function autoCreate(ctx: HttpContext, topic: string): Promise<void> {
  try {
    await ctx.broker.createTopic(topic, { partitions: ctx.options.autoCreatePartitions });
  } catch (error) {
    if (!isRivuletError(error, "topic_exists")) throw error;
  }
}

/** Declares the produce route. */
export function produceRoutes(router: Router, ctx: HttpContext): void {
  const { limits } = ctx.options;
  const recordLimits = { messageMaxBytes: limits.messageMaxBytes, recordHeadersMax: limits.recordHeadersMax, headerNameBytesMax: limits.headerNameBytesMax };
  router.route({
    method: "post", path: "/v1/topics/:topic/records", operationId: "produce", tag: "records",
    summary: "Produce records; offsets come back in request order",
    description: "The whole request is validated before anything is written: a rejected request changes nothing.",
    access: { access: "write", topic: "path" }, cbor: true, params: [topicParam],
    body: { description: "Records", schema: produceRequestSchema, cbor: true },
    responses: { 200: { description: "Where each record landed", schema: produceResponseSchema } },
  }, async (c) => {
    const topic = parseTopic(c.req.param("topic"));
    const encoding = requestEncoding(c.req.header("content-type"));
    const exists = await topicExists(ctx, topic);
    if (!exists && !ctx.options.autoCreateTopics) {
      throw new RivuletError("unknown_topic", `topic "${topic}" does not exist`, { topic });
    }
    const body = await readRequestBody(c.req.raw, limits.httpBodyBytesMax);
    const bytes = body.byteLength;
    // The common request shape is scanned straight off the bytes; anything else (and every
    // error) takes the general parser.
    const records = encoding === "json"
      ? scanJsonRecords(body, limits.httpRecordsPerRequestMax) ?? parseJsonRecords(parseBody(body, encoding), limits)
      : scanCborRecords(body, limits.httpRecordsPerRequestMax) ?? parseCborRecords(parseBody(body, encoding), limits);
    // Created only once the whole request has parsed: a rejected request changes nothing.
    if (!exists) await autoCreate(ctx, topic);
    const metadata = await ctx.broker.produce(topic, records, { limits: recordLimits });
    ctx.metrics.produced(topic, records.length, bytes);
    const answer = responseEncoding(c.req.header("accept"));
    if (answer === "json") return replyJsonBytes(offsetsJsonBytes(metadata));
    return replyWith({ offsets: metadata.map((m) => ({ partition: m.partition, offset: m.offset })) }, answer);
  });
}
