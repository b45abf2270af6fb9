/**
 * Produce: `POST /v1/topics/{topic}/records`. The whole request is read within the body limit;
 * the parser checks its shape and field types, and the producer checks every record against
 * the limits (sizes, header counts, partitions) in the same pass that lays the records out for
 * their partitions — all before a single record is produced. With `Producer-Id`,
 * `Producer-Epoch` and `Producer-Seq` the request is one numbered request of an idempotent
 * producer (see broker/request-producers.ts): a retry is answered with its first offsets.
 */
import { isRivuletError, RivuletError } from "../../core/errors.ts";
import { parseBody } from "../body.ts";
import { readRequestBody } from "../../runtime/request-body.ts";
import { type HttpContext, requestSignal } from "../context.ts";
import { produceInCluster } from "../cluster-produce.ts";
import { forwardedHeader } from "../cluster-forward.ts";
import { requestEncoding, responseEncoding } from "../media.ts";
import { produceRequestSchema, produceResponseSchema, topicParam } from "../openapi/schemas.ts";
import { parseTopic } from "../params.ts";
import { parseCborRecords } from "../records/cbor-records-in.ts";
import { scanCborRecords } from "../records/cbor-records-scan.ts";
import { parseJsonRecords } from "../records/json-records-in.ts";
import { scanJsonRecords } from "../records/json-records-scan.ts";
import { offsetsJsonBytes } from "../json/offsets-json.ts";
import { parseProducerHeaders } from "../records/producer-headers.ts";
import { crc32c } from "../../record/crc32c.ts";
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

const headerInteger = (name: string, description: string, maximum: number) => ({ name, in: "header", description, schema: { type: "integer", minimum: 0, maximum } }) as const;

/** The idempotent-produce headers: all three or none. */
const producerParams = [
  headerInteger("Producer-Id", "Producer id from `POST /v1/producers` (with Producer-Epoch and Producer-Seq)", Number.MAX_SAFE_INTEGER),
  headerInteger("Producer-Epoch", "Producer epoch from `POST /v1/producers`", 0x7fff),
  headerInteger("Producer-Seq", "This request's number among the producer's requests to this topic, from 0; a retry repeats it", Number.MAX_SAFE_INTEGER),
];

/** Declares the produce route. */
export function produceRoutes(router: Router, ctx: HttpContext): void {
  const { limits } = ctx.options;
  const recordLimits = { messageMaxBytes: limits.messageMaxBytes, recordHeadersMax: limits.recordHeadersMax, headerNameBytesMax: limits.headerNameBytesMax };
  router.route({
    method: "post", path: "/v1/topics/:topic/records", operationId: "produce", tag: "records",
    summary: "Produce records; offsets come back in request order",
    description: "The whole request is validated before anything is written: a rejected request changes nothing. " +
      "Idempotent produce: with `Producer-Id` and `Producer-Epoch` from `POST /v1/producers` and `Producer-Seq` numbering the producer's requests to this topic from 0, " +
      "a request repeated with the same Producer-Seq (and the same body) is answered with the offsets of its first try and writes nothing twice, even when that try " +
      "failed part way, its answer was lost or the broker restarted in between; a Producer-Seq that is neither the last one nor the next is refused (409 `out_of_order_sequence`, " +
      "`details.expectedSequence`), an older epoch is `producer_fenced` (409), an unknown producer (never registered, or forgotten under the broker's bound) `unknown_producer` (400), " +
      "a Producer-Seq reused for a different body `conflict` (409), and only some of the three headers, or a malformed one, `invalid_request` (400).",
    access: { access: "write", topic: "path" }, cbor: true, params: [topicParam, ...producerParams],
    body: { description: "Records", schema: produceRequestSchema, cbor: true },
    responses: { 200: { description: "Where each record landed", schema: produceResponseSchema } },
  }, async (c) => {
    const topic = parseTopic(c.req.param("topic"));
    const encoding = requestEncoding(c.req.header("content-type"));
    const producer = parseProducerHeaders(c.req.raw.headers);
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
    const authorization = c.req.header("authorization") ?? null;
    const request = producer && { ...producer, owner: c.get("principal")?.name ?? null, fingerprint: crc32c(body), authorization };
    const cluster = ctx.options.cluster;
    // In a cluster, a plain produce is split by partition and sent to each leader (an idempotent
    // one was forwarded to the registry's owner, which does the same per batch).
    const metadata = cluster?.clustered && !request && c.req.header(forwardedHeader) === undefined
      ? await produceInCluster(cluster, ctx.broker, topic, records, { limits: recordLimits }, {
        protocol: new URL(c.req.url).protocol, fetch: ctx.options.brokerFetch, authorization, signal: requestSignal(c, ctx),
        deadline: Date.now() + limits.deliveryTimeoutMs, callTimeoutMs: limits.clusterForwardTimeoutMs,
      })
      : await ctx.broker.produce(topic, records, request ? { limits: recordLimits, request } : { limits: recordLimits });
    ctx.metrics.produced(topic, records.length, bytes);
    const answer = responseEncoding(c.req.header("accept"));
    if (answer === "json") return replyJsonBytes(offsetsJsonBytes(metadata));
    return replyWith({ offsets: metadata.map((m) => ({ partition: m.partition, offset: m.offset })) }, answer);
  });
}
