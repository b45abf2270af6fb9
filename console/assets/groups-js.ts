/** `groups.js`: the groups list and a group's page with its lag table and lag chart. */
export default String.raw`
import { base, consoleApi, enc } from "./api.js";
import { h, replace, table } from "./dom.js";
import { countLabel, secondsLabel } from "./format.js";
import { lineChart } from "./chart.js";

export async function groupsPage(main, signal) {
  document.title = "Groups · Rivulet console";
  const body = h("div", {}, h("p", { class: "muted" }, "Loading…"));
  replace(main, h("div", { class: "page-head" }, h("h1", {}, "Consumer groups"), h("button", { type: "button", onclick: () => load() }, "Refresh")), body);
  async function load() {
    const data = await consoleApi("/groups", { signal: signal });
    replace(body, data.groups.length === 0 ? h("p", { class: "muted" }, "No consumer groups yet.") :
      table("Groups", ["Group", "State", "Members", "Lag (records)", "Lag (time)"], data.groups.map((g) => [
        h("a", { href: base + "/groups/" + enc(g.group_id) }, g.group_id), g.state, countLabel(g.members), countLabel(g.lag_records), secondsLabel(g.lag_seconds),
      ])),
    data.groups_total > data.groups.length ? h("p", { class: "muted" }, (data.groups_total - data.groups.length) + " more groups not shown") : null);
  }
  await load();
  return { every: 5000, refresh: load };
}

// Total lag per sample time across the group's partitions (records summed, seconds the worst).
function totalsOverTime(history) {
  const byTime = new Map();
  for (const s of history.series) {
    for (const sample of s.samples) {
      const at = byTime.get(sample[0]) || { records: 0, seconds: 0 };
      at.records += sample[1];
      at.seconds = Math.max(at.seconds, sample[2] || 0);
      byTime.set(sample[0], at);
    }
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]);
}

export async function groupPage(main, signal, groupId) {
  document.title = groupId + " · Rivulet console";
  const summary = h("div", { id: "group-summary" });
  const members = h("div", { id: "group-members" });
  const lag = h("div", { id: "group-lag" });
  const charts = h("div", { id: "group-charts", class: "charts" });
  replace(main,
    h("div", { class: "page-head" }, h("h1", {}, h("span", { class: "muted" }, "Group "), groupId), h("button", { type: "button", onclick: () => load() }, "Refresh")),
    summary,
    h("section", { "aria-labelledby": "lag-h" }, h("h2", { id: "lag-h" }, "Lag per partition"), lag),
    h("section", { "aria-labelledby": "chart-h" }, h("h2", { id: "chart-h" }, "Lag over the last hour"), charts),
    h("section", { "aria-labelledby": "members-h" }, h("h2", { id: "members-h" }, "Members"), members));
  async function load() {
    const path = "/groups/" + enc(groupId);
    const group = await consoleApi(path, { signal: signal });
    const history = await consoleApi(path + "/lag-history", { signal: signal });
    replace(summary, h("dl", { class: "facts" },
      h("dt", {}, "State"), h("dd", {}, group.state),
      h("dt", {}, "Generation"), h("dd", {}, String(group.generation)),
      h("dt", {}, "Protocol"), h("dd", {}, (group.protocol_type || "—") + (group.protocol ? " / " + group.protocol : "")),
      h("dt", {}, "Total lag"), h("dd", { id: "group-total-lag" }, countLabel(group.lag_records) + " records, " + secondsLabel(group.lag_seconds))));
    replace(lag, group.partitions.length === 0 ? h("p", { class: "muted" }, "No committed offsets or assignments on topics you may read.") :
      table("Lag per partition", ["Topic", "Partition", "Committed", "End offset", "Lag (records)", "Lag (time)"], group.partitions.map((p) => [
        h("a", { href: base + "/topics/" + enc(p.topic) }, p.topic), String(p.partition), p.committed === null ? "none" : countLabel(p.committed),
        countLabel(p.end_offset), h("span", { class: "lag-records" }, countLabel(p.lag_records)), h("span", { class: "lag-seconds" }, secondsLabel(p.lag_seconds)),
      ])));
    replace(members, group.members.length === 0 ? h("p", { class: "muted" }, "No members (the group is empty).") :
      table("Members", ["Member", "Client", "Host", "Assignments"], group.members.map((m) => [
        m.member_id, m.client_id, m.client_host, m.assignments.map((a) => a.topic + "-" + a.partition).join(", ") || "none",
      ])));
    // The server's samples, then the figures just measured, so the chart ends where the table stands.
    const now = Date.now();
    const totals = totalsOverTime(history).filter((e) => e[0] < now);
    totals.push([now, { records: group.lag_records, seconds: group.lag_seconds || 0 }]);
    replace(charts,
      lineChart(totals.map((e) => ({ t: e[0], v: e[1].records })), { label: "Lag in records", windowMs: history.window_ms, now: now, format: countLabel }),
      lineChart(totals.map((e) => ({ t: e[0], v: e[1].seconds })), { label: "Lag in seconds (worst partition)", windowMs: history.window_ms, now: now, format: secondsLabel }),
      h("p", { class: "muted small" }, "One sample every " + Math.round(history.interval_ms / 1000) + " s, kept by the server; the last point is now."));
  }
  await load();
  return { every: 10000, refresh: load };
}
`;
