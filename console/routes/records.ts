/**
 * The message browser's page: `GET /api/topics/{topic}/partitions/{p}/records` with one of
 * `offset`, `timestamp` (ms) or `newest` (N), `count` (default 50, at most
 * `consolePageRecordsMax`), `filter` (a substring) and `in` (`key,value,headers`). Answers
 * `{"records","start_offset","next_offset","scanned","reached_end","log_start_offset",
 * "high_watermark"}` with every key, value and header value in base64 (see record-view.ts).
 * Needs read on the topic.
 */
import type { Hono } from "hono";
import { requireAccess } from "../../auth/rights.ts";
import { type ConsoleEnv, type ConsoleState, principalOf } from "../context.ts";
import { parseCount, parseFilterFields, parseFilterText, parseStart, parseTopic } from "../params.ts";
import { recordFilter } from "../record-filter.ts";
import { scanRecords } from "../record-scan.ts";
import { recordView } from "../record-view.ts";

/** Records a page holds when `count` is not given. */
export const pageRecordsDefault = 50;

/** Declares the message browser's route. */
export function recordRoutes(app: Hono<ConsoleEnv>, state: ConsoleState): void {
  const { broker, options: { limits } } = state;
  app.get("/api/topics/:topic/partitions/:p/records", async (c) => {
    const principal = principalOf(c, state);
    const topic = parseTopic(c.req.param("topic"));
    if (principal) requireAccess(principal, "read", topic);
    const partition = parseCount(c.req.param("p"), "partition", 0x7fffffff);
    const query = (name: string) => c.req.query(name);
    const start = parseStart(query, limits.consoleScanRecordsMax);
    const count = Math.max(1, parseCount(query("count") ?? String(Math.min(pageRecordsDefault, limits.consolePageRecordsMax)), "count", limits.consolePageRecordsMax));
    const filter = recordFilter(parseFilterText(query("filter")), parseFilterFields(query("in")));
    const page = await scanRecords(broker, { topic, partition, start, count, filter }, limits);
    return c.json({
      records: page.records.map(recordView),
      start_offset: page.startOffset,
      next_offset: page.nextOffset,
      scanned: page.scanned,
      reached_end: page.reachedEnd,
      log_start_offset: page.logStartOffset,
      high_watermark: page.highWatermark,
    });
  });
}
