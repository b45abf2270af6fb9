/**
 * `POST /v1/producers`: registers an idempotent producer for HTTP produce. The answer's
 * `producer_id` and `producer_epoch` go into the `Producer-Id` and `Producer-Epoch` headers of
 * produce requests, numbered by `Producer-Seq` from 0 per topic. The id comes from the same
 * allocator as Kafka's InitProducerId. Given `{"producer_id"}` of a producer the caller
 * registered before, the same id comes back at the next epoch, fencing requests with the old one.
 * Producers, their epochs and their last request per topic are kept durably by the broker
 * (broker/request-producer-log.ts), so they survive a restart; only a producer dropped by the
 * `requestProducersMax` bound gets `unknown_producer`, and its client registers a new one.
 */
import { RivuletError } from "../../core/errors.ts";
import { parseBody } from "../body.ts";
import { readRequestBody } from "../../runtime/request-body.ts";
import type { HttpContext } from "../context.ts";
import { requestEncoding, responseEncoding } from "../media.ts";
import { isPlainObject } from "../records/record-checks.ts";
import { replyWith } from "../reply.ts";
import type { Router } from "../router.ts";

const integer = (description: string) => ({ type: "integer", minimum: 0, description });

/** Declares the producer route. */
export function producerRoutes(router: Router, ctx: HttpContext): void {
  router.route({
    method: "post", path: "/v1/producers", operationId: "initProducer", tag: "records", access: "token", cbor: true,
    summary: "Register an idempotent producer for produce requests",
    description: "Send the answer's `producer_id` and `producer_epoch` as the `Producer-Id` and `Producer-Epoch` headers of `POST /v1/topics/{topic}/records`, with `Producer-Seq` numbering your requests to each topic from 0: a retried request is then answered with its first try's offsets and writes nothing twice. An empty body registers a new producer; `{\"producer_id\"}` of one you registered bumps its epoch (fencing the old epoch). Producers are kept durably and survive a broker restart; one forgotten under the broker's bound on producers gets `unknown_producer`.",
    body: { description: "Empty, or the producer to re-initialize", cbor: true, schema: { type: "object", properties: { producer_id: integer("A producer this principal registered before") } } },
    responses: { 200: { description: "The producer", schema: { type: "object", properties: { producer_id: integer("Producer-Id"), producer_epoch: integer("Producer-Epoch") } } } },
  }, async (c) => {
    let producerId: number | undefined;
    const body = await readRequestBody(c.req.raw, ctx.options.limits.httpBodyBytesMax);
    if (body.byteLength > 0) {
      const value = parseBody(body, requestEncoding(c.req.header("content-type")));
      if (!isPlainObject(value)) throw new RivuletError("invalid_request", `the body must be empty or {"producer_id"}`);
      const id = value.producer_id;
      if (id !== undefined && (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0)) {
        throw new RivuletError("invalid_request", "producer_id must be a non-negative integer");
      }
      producerId = id as number | undefined;
    }
    const owner = c.get("principal")?.name ?? null;
    const producer = await ctx.broker.initProducer({ owner, producerId });
    return replyWith({ producer_id: producer.producerId, producer_epoch: producer.producerEpoch }, responseEncoding(c.req.header("accept")));
  });
}
