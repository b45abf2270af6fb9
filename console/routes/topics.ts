/**
 * `GET /api/topics/{topic}`: one topic for its page: partitions with start and end offsets,
 * size, worker and status, the topic config, and what the principal may do with it (the page
 * shows the produce form only with `can_write`). A principal that may neither read nor write
 * the topic gets 403, as the HTTP API answers.
 */
import type { Hono } from "hono";
import { canSeeTopic, hasAccess } from "../../auth/rights.ts";
import { RivuletError } from "../../core/errors.ts";
import { type ConsoleEnv, type ConsoleState, principalOf } from "../context.ts";
import { parseTopic } from "../params.ts";

/** Declares the topic route. */
export function topicRoutes(app: Hono<ConsoleEnv>, state: ConsoleState): void {
  const { broker, options: { limits } } = state;
  app.get("/api/topics/:topic", async (c) => {
    const principal = principalOf(c, state);
    const name = parseTopic(c.req.param("topic"));
    if (principal && !canSeeTopic(principal, name)) {
      throw new RivuletError("forbidden", `principal "${principal.name}" has no access to topic "${name}"`, { topic: name });
    }
    const topic = await broker.describeTopic(name);
    return c.json({
      name: topic.name,
      partitions: topic.partitions.map((p) => ({
        partition: p.partition,
        start_offset: p.startOffset,
        end_offset: p.endOffset,
        size_bytes: p.sizeBytes,
        worker: p.worker,
        status: p.status,
      })),
      config: topic.config,
      can_read: principal === null || hasAccess(principal, "read", name),
      can_write: principal === null || hasAccess(principal, "write", name),
      page_records_max: limits.consolePageRecordsMax,
    });
  });
}
