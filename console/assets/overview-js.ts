/** `overview.js`: the broker and the topics, refreshed every few seconds. */
export default String.raw`
import { base, consoleApi, enc } from "./api.js";
import { h, replace, table } from "./dom.js";
import { bytesLabel, countLabel, rateLabel } from "./format.js";

function brokerTable(brokers) {
  return table("Brokers", ["Broker", "Role", "Status", "Workers", "Worker restarts", "Offline partitions"],
    brokers.map((b) => [b.id, b.role, h("span", { class: "status status-" + b.status }, b.status), countLabel(b.workers), countLabel(b.worker_restarts), countLabel(b.offline_partitions)]));
}

function topicTable(topics) {
  return table("Topics", ["Topic", "Partitions", "Records", "Size", "Produce", "Fetch"],
    topics.map((t) => [
      h("a", { href: base + "/topics/" + enc(t.name) }, t.name),
      t.online_partitions === t.partitions ? countLabel(t.partitions) : t.online_partitions + " of " + t.partitions + " online",
      countLabel(t.records), bytesLabel(t.size_bytes), rateLabel(t.produce_records_per_sec), rateLabel(t.fetch_records_per_sec),
    ]));
}

export async function overviewPage(main, signal) {
  document.title = "Overview · Rivulet console";
  const body = h("div", { id: "overview-body" }, h("p", { class: "muted" }, "Loading…"));
  const refresh = h("button", { type: "button", onclick: () => load() }, "Refresh");
  replace(main, h("div", { class: "page-head" }, h("h1", {}, "Overview"), refresh), body);
  async function load() {
    const data = await consoleApi("/overview", { signal: signal });
    const more = data.topics_total > data.topics.length ? h("p", { class: "muted" }, (data.topics_total - data.topics.length) + " more topics not shown") : null;
    replace(body,
      h("section", { "aria-labelledby": "brokers-h" }, h("h2", { id: "brokers-h" }, "Brokers"), brokerTable(data.brokers)),
      h("section", { "aria-labelledby": "topics-h" }, h("h2", { id: "topics-h" }, "Topics"),
        data.topics.length === 0 ? h("p", { class: "muted" }, "No topics yet.") : topicTable(data.topics), more,
        h("p", { class: "muted small" }, "Rates are averaged over at least " + Math.round(data.rate_window_ms / 1000) + " s.")));
  }
  await load();
  return { every: 5000, refresh: load };
}
`;
