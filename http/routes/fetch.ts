/**
 * Fetch: `GET /v1/topics/{topic}/partitions/{p}/records?offset=&max_records=&wait_ms=&isolation=`,
 * a long-poll that waits up to `wait_ms` (capped at `fetchWaitMsMax`) for records at `offset`,
 * and gives up as soon as the client goes away. `isolation=read_committed` stops at the last
 * stable offset and leaves out aborted transactions' records; markers are never records.
 */
import { abortable } from "../../core/abortable.ts";
import { type HttpContext, requestSignal } from "../context.ts";
import { responseEncoding } from "../media.ts";
import { fetchResponseSchema, partitionParam, topicParam } from "../openapi/schemas.ts";
import { isolationParam, parseBoundedInt, parseIsolation, parseOffset, parsePartition, parseTopic } from "../params.ts";
import { cborRecords } from "../records/cbor-records-out.ts";
import { writeRecordsJson, writerFor } from "../records/json-records-bytes.ts";
import { encodeCbor, replyCborBytes, replyJsonBytes } from "../reply.ts";
import type { Router } from "../router.ts";

/** Declares the fetch route. */
export function fetchRoutes(router: Router, ctx: HttpContext): void {
  const { broker, options: { limits } } = ctx;
  router.route({
    method: "get", path: "/v1/topics/:topic/partitions/:p/records", operationId: "fetch", tag: "records",
    summary: "Fetch records from an offset, waiting up to wait_ms for new ones",
    access: { access: "read", topic: "path" }, cbor: true,
    params: [
      topicParam, partitionParam,
      { name: "offset", in: "query", description: "First offset (number, earliest or latest; default earliest)", schema: { type: "string" } },
      { name: "max_records", in: "query", description: `Most records (default ${limits.httpFetchRecordsDefault}, at most ${limits.fetchRecordsMax})`, schema: { type: "integer", minimum: 1 } },
      { name: "wait_ms", in: "query", description: `Wait this long for records when there are none (at most ${limits.fetchWaitMsMax})`, schema: { type: "integer", minimum: 0 } },
      isolationParam,
    ],
    responses: { 200: { description: "Records, next offset, high watermark and last stable offset", schema: fetchResponseSchema } },
  }, async (c) => {
    const topic = parseTopic(c.req.param("topic"));
    const partition = parsePartition(c.req.param("p"));
    const offsetParam = parseOffset(c.req.query("offset"), "earliest");
    const maxRecords = Math.max(1, parseBoundedInt(c.req.query("max_records"), "max_records", limits.httpFetchRecordsDefault, limits.fetchRecordsMax));
    const waitMs = parseBoundedInt(c.req.query("wait_ms"), "wait_ms", 0, limits.fetchWaitMsMax);
    const isolation = parseIsolation(c.req.query("isolation"));
    const signal = requestSignal(c, ctx);
    // earliest / latest are resolved by the partition itself: one worker round trip.
    const result = await abortable(broker.fetch(topic, partition, { offset: offsetParam, maxRecords, waitMs, signal, isolation }), signal);
    const encoding = responseEncoding(c.req.header("accept"));
    const tail = { next_offset: result.nextOffset, high_watermark: result.highWatermark, last_stable_offset: result.lastStableOffset, log_start_offset: result.logStartOffset };
    let response: Response;
    if (encoding === "json") {
      const w = writerFor(result.records);
      w.ascii(`{"records":`);
      writeRecordsJson(w, result.records);
      w.ascii(`,"next_offset":${tail.next_offset},"high_watermark":${tail.high_watermark},"last_stable_offset":${tail.last_stable_offset},"log_start_offset":${tail.log_start_offset}}`);
      ctx.metrics.fetched(topic, result.records.length, w.length);
      response = replyJsonBytes(w.view());
    } else {
      const bytes = encodeCbor({ records: cborRecords(result.records), ...tail });
      ctx.metrics.fetched(topic, result.records.length, bytes.byteLength);
      response = replyCborBytes(bytes);
    }
    return response;
  });
}
