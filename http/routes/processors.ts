/**
 * Stream-processing routes: `GET /v1/processors` (the apps running on this broker and their
 * status) and `GET /v1/processors/{app}/stores/{store}/keys/{key}` (an interactive query;
 * `?window_start=` for windowed stores; 404 when the key is absent).
 *
 * Access with auth on: an app is its consumer group (group id = app id), so seeing an app or
 * querying its stores needs the read right on that group (cluster admins hold every group);
 * the list shows only such apps.
 */
import { RivuletError } from "../../core/errors.ts";
import { hasGroupAccess, requireGroupAccess } from "../../auth/rights.ts";
import { runningProcessors } from "../../processors/runtime/processors.ts";
import type { AppStatus } from "../../broker/processors-api.ts";
import type { HttpContext } from "../context.ts";
import { parseId } from "../groups/group-params.ts";
import { responseEncoding } from "../media.ts";
import { replyWith } from "../reply.ts";
import type { Router } from "../router.ts";

/** An app's status in the API's shape. */
function renderApp(status: AppStatus): Record<string, unknown> {
  return {
    app_id: status.appId,
    state: status.state,
    guarantee: status.guarantee,
    workers: status.workers,
    ...(status.error ? { error: { code: status.error.code ?? "internal", message: status.error.message } } : {}),
    tasks: status.tasks.map((t) => ({
      task: t.partition,
      state: t.state,
      worker: t.worker,
      restores: t.restores,
      restore: Object.fromEntries(Object.entries(t.restore).map(([store, r]) => [store, { snapshot_entries: r.snapshotEntries, from_offset: r.fromOffset, replayed: r.replayed, total: r.total }])),
      inputs: t.inputs.map((i) => ({ topic: i.topic, partition: i.partition, position: i.position, end_offset: i.endOffset, lag: i.lag })),
      processed: t.processed,
      records_per_second: t.recordsPerSecond,
      late_dropped: t.lateDropped,
      stores: Object.fromEntries(Object.entries(t.stores).map(([store, s]) => [store, { entries: s.entries, bytes: s.bytes }])),
    })),
  };
}

/** A stored value as JSON: decoded values as they are; raw bytes as UTF-8 text, or base64 when not text. */
function jsonValue(value: unknown): unknown {
  if (!(value instanceof Uint8Array)) return value;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(value);
  } catch {
    return { base64: btoa(String.fromCharCode(...value)) };
  }
}

const appParam = { name: "app", in: "path", description: "Application id (its consumer group id)", schema: { type: "string" } } as const;

/** Declares the processor routes. */
export function processorRoutes(router: Router, ctx: HttpContext): void {
  const { broker } = ctx;
  router.route({
    method: "get", path: "/v1/processors", operationId: "listProcessors", tag: "processors", access: "token", cbor: true,
    summary: "Stream-processing apps running on this broker: tasks, lag per input partition, restore progress, store sizes",
    responses: { 200: { description: "Apps", schema: { type: "object", properties: { apps: { type: "array", items: { type: "object", properties: { app_id: { type: "string" }, state: { type: "string" }, tasks: { type: "array" } } } } } } } },
  }, (c) => {
    const principal = c.get("principal");
    const apps = (runningProcessors(broker)?.list() ?? []).filter((app) => !principal || hasGroupAccess(principal, app.appId));
    return replyWith({ apps: apps.map((app) => renderApp(app.status())) }, responseEncoding(c.req.header("accept")));
  });

  router.route({
    method: "get", path: "/v1/processors/:app/stores/:store/keys/:key", operationId: "queryProcessorStore", tag: "processors", access: "token", cbor: true,
    summary: "Read one key of an app's store (an interactive query)",
    params: [
      appParam,
      { name: "store", in: "path", description: "Store name", schema: { type: "string" } },
      { name: "key", in: "path", description: "The key, as the topology's key serde reads it (text)", schema: { type: "string" } },
      { name: "window_start", in: "query", description: "Window start (ms since the epoch), for windowed stores", schema: { type: "integer" } },
    ],
    responses: { 200: { description: "The value", schema: { type: "object", properties: { app_id: { type: "string" }, store: { type: "string" }, key: { type: "string" }, window_start: { type: "integer" }, value: {} } } } },
  }, async (c) => {
    const appId = parseId(c.req.param("app"), "group");
    const principal = c.get("principal");
    if (principal) requireGroupAccess(principal, appId);
    const app = runningProcessors(broker)?.get(appId);
    if (!app) throw new RivuletError("not_found", `no app "${appId}" runs on this broker`, { app: appId });
    const store = c.req.param("store") ?? "";
    const key = c.req.param("key") ?? "";
    const raw = c.req.query("window_start");
    let windowStart: number | undefined;
    if (raw !== undefined) {
      windowStart = Number(raw);
      if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(windowStart)) throw new RivuletError("invalid_request", `window_start must be an integer (ms since the epoch), got ${JSON.stringify(raw.slice(0, 40))}`);
    }
    const value = await app.store(store).get(key, { windowStart });
    if (value === undefined) throw new RivuletError("not_found", `store "${store}" of app ${appId} has no key ${JSON.stringify(key.slice(0, 200))}${windowStart === undefined ? "" : ` in the window starting at ${windowStart}`}`, { app: appId, store });
    const body = { app_id: appId, store, key, ...(windowStart === undefined ? {} : { window_start: windowStart }), value: jsonValue(value) };
    return replyWith(body, responseEncoding(c.req.header("accept")));
  });
}
