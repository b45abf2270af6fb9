/**
 * `processors.js`: the stream-processing apps running on this broker (`GET /v1/processors`):
 * per app its tasks with state, worker, records/s, late drops, restore progress and store
 * sizes, and the lag of every input partition; and a store lookup form
 * (`GET /v1/processors/{app}/stores/{store}/keys/{key}`). The list refreshes; the form and its
 * answer stay as they are.
 */
export default String.raw`
import { ApiError, enc, request } from "./api.js";
import { field, h, replace, table } from "./dom.js";
import { bytesLabel, countLabel, plural, rateLabel } from "./format.js";

function restoreLabel(task) {
  const stores = Object.entries(task.restore);
  if (stores.length === 0) return "—";
  return stores.map(([store, r]) => {
    const done = r.total === 0 ? "nothing to replay" : countLabel(r.replayed) + " of " + countLabel(r.total) + " replayed";
    return store + ": " + done + (r.snapshot_entries > 0 ? " (snapshot " + countLabel(r.snapshot_entries) + " entries)" : "");
  }).join("; ");
}

function storesLabel(task) {
  const stores = Object.entries(task.stores);
  if (stores.length === 0) return "—";
  return stores.map(([store, s]) => store + ": " + plural(s.entries, "key") + ", " + bytesLabel(s.bytes)).join("; ");
}

function appSection(app) {
  const id = "app-" + app.app_id.replace(/[^A-Za-z0-9_-]/g, "_");
  const inputs = app.tasks.flatMap((t) => t.inputs.map((i) => [String(t.task), i.topic, String(i.partition), countLabel(i.position), countLabel(i.end_offset), h("span", { class: "lag-records" }, countLabel(i.lag))]));
  return h("section", { class: "processor-app", "aria-labelledby": id + "-h", dataset: { app: app.app_id } },
    h("h2", { id: id + "-h" }, app.app_id),
    h("dl", { class: "facts" },
      h("dt", {}, "State"), h("dd", {}, h("span", { class: "app-state status-" + (app.state === "running" ? "ok" : app.state === "failed" ? "degraded" : "other") }, app.state)),
      h("dt", {}, "Guarantee"), h("dd", {}, app.guarantee),
      h("dt", {}, "Pool workers"), h("dd", {}, app.workers.length === 0 ? "none" : app.workers.join(", ")),
      app.error ? [h("dt", {}, "Error"), h("dd", { class: "error" }, app.error.code + ": " + app.error.message)] : null),
    app.tasks.length === 0 ? h("p", { class: "muted" }, "No tasks assigned to this broker yet.") :
      table("Tasks of " + app.app_id, ["Task", "State", "Worker", "Processed", "Records/s", "Late drops", "Restore", "Stores"], app.tasks.map((t) => [
        String(t.task), h("span", { class: "task-state" }, t.state), t.worker === null ? "—" : String(t.worker), countLabel(t.processed),
        rateLabel(t.records_per_second), countLabel(t.late_dropped), restoreLabel(t), storesLabel(t),
      ])),
    inputs.length === 0 ? null : h("h3", {}, "Input partitions"),
    inputs.length === 0 ? null : table("Input partitions of " + app.app_id, ["Task", "Topic", "Partition", "Position", "End offset", "Lag (records)"], inputs));
}

function options(list, values) {
  replace(list, [...values].sort().map((v) => h("option", { value: v })));
}

function lookupForm(result) {
  const app = h("input", { name: "app", required: true, list: "processor-apps", autocomplete: "off" });
  const store = h("input", { name: "store", required: true, list: "processor-stores", autocomplete: "off" });
  const key = h("input", { name: "key", required: true, autocomplete: "off" });
  const windowStart = h("input", { name: "window_start", inputmode: "numeric", pattern: "-?[0-9]+", autocomplete: "off" });
  const apps = h("datalist", { id: "processor-apps" });
  const stores = h("datalist", { id: "processor-stores" });
  const form = h("form", { class: "lookup", onsubmit: async (event) => {
    event.preventDefault();
    const query = windowStart.value.trim() === "" ? "" : "?window_start=" + enc(windowStart.value.trim());
    const path = "/v1/processors/" + enc(app.value) + "/stores/" + enc(store.value) + "/keys/" + enc(key.value) + query;
    replace(result, h("p", { class: "muted" }, "Looking up…"));
    try {
      const reply = await request(path);
      replace(result, h("p", {}, "Value of ", h("code", {}, reply.key), " in ", h("code", {}, reply.app_id + " / " + reply.store),
        reply.window_start === undefined ? "" : " (window from " + reply.window_start + ")", ":"),
      h("pre", { class: "record-value", id: "lookup-value" }, JSON.stringify(reply.value, null, 2)));
    } catch (error) {
      const absent = error instanceof ApiError && error.status === 404;
      replace(result, h("p", { class: absent ? "muted" : "error", role: "alert", id: "lookup-error" }, absent ? "Not found: " + error.message : error.message));
    }
  } },
    h("div", { class: "row" }, field("App", app), field("Store", store), field("Key", key), field("Window start (ms)", windowStart, "for windowed stores"),
      h("button", { type: "submit", class: "primary" }, "Look up")),
    apps, stores);
  return { form, apps, stores, app };
}

export async function processorsPage(main, signal) {
  document.title = "Processors · Rivulet console";
  const body = h("div", { id: "processors-body" }, h("p", { class: "muted" }, "Loading…"));
  const result = h("div", { id: "lookup-result", "aria-live": "polite" });
  const lookup = lookupForm(result);
  replace(main,
    h("div", { class: "page-head" }, h("h1", {}, "Stream processors"), h("button", { type: "button", onclick: () => load() }, "Refresh")),
    body,
    h("section", { "aria-labelledby": "lookup-h" }, h("h2", { id: "lookup-h" }, "Look up a key in a store"), lookup.form, result));
  async function load() {
    const data = await request("/v1/processors", { signal: signal });
    options(lookup.apps, data.apps.map((a) => a.app_id));
    options(lookup.stores, new Set(data.apps.flatMap((a) => a.tasks.flatMap((t) => Object.keys(t.stores)))));
    if (lookup.app.value === "" && data.apps.length === 1) lookup.app.value = data.apps[0].app_id;
    replace(body, data.apps.length === 0 ? h("p", { class: "muted" }, "No stream-processing apps run on this broker (or none you may see).") :
      data.apps.map(appSection));
  }
  await load();
  return { every: 5000, refresh: load };
}
`;
