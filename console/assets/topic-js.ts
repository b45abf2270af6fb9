/** `topic.js`: one topic: partitions, config, the message browser, the live tail, the produce form. */
export default String.raw`
import { consoleApi, enc } from "./api.js";
import { field, h, replace, table } from "./dom.js";
import { bytesLabel, countLabel } from "./format.js";
import { messageBrowser } from "./browser.js";
import { liveTail } from "./tail.js";
import { produceForm } from "./produce.js";

function partitionTable(topic, browser) {
  const headings = ["Partition", "Start offset", "End offset", "Records", "Size", "Worker", "Status"];
  return table("Partitions", browser ? headings.concat(["Messages"]) : headings,
    topic.partitions.map((p) => [String(p.partition), countLabel(p.start_offset), countLabel(p.end_offset), countLabel(p.end_offset - p.start_offset),
      bytesLabel(p.size_bytes), String(p.worker), h("span", { class: "status status-" + p.status }, p.status)]
      .concat(browser ? [h("button", { type: "button", class: "link", onclick: () => browser.browse(p.partition), "aria-label": "Browse partition " + p.partition }, "Browse")] : [])));
}

function configList(config) {
  const entries = Object.entries(config).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return h("dl", { class: "config" }, entries.map((e) => [h("dt", {}, e[0]), h("dd", {}, typeof e[1] === "string" ? e[1] : JSON.stringify(e[1]))]));
}

export async function topicPage(main, signal, name) {
  document.title = name + " · Rivulet console";
  const topic = await consoleApi("/topics/" + enc(name), { signal: signal });
  const format = h("select", { name: "format", id: "value-format" },
    h("option", { value: "json" }, "JSON"), h("option", { value: "text" }, "Text"), h("option", { value: "hex" }, "Hex"));
  const currentFormat = () => format.value;
  const browser = topic.can_read ? messageBrowser(topic, currentFormat) : null;
  const tail = topic.can_read ? liveTail(topic, currentFormat) : null;
  format.addEventListener("change", () => {
    if (browser) browser.rerender();
    if (tail) tail.rerender();
  });
  signal.addEventListener("abort", () => tail && tail.close());
  replace(main,
    h("div", { class: "page-head" }, h("h1", {}, h("span", { class: "muted" }, "Topic "), topic.name)),
    h("section", { "aria-labelledby": "partitions-h" }, h("h2", { id: "partitions-h" }, "Partitions"), partitionTable(topic, browser)),
    h("details", { class: "config-box" }, h("summary", {}, "Configuration"), configList(topic.config)),
    topic.can_read ? h("div", { class: "format" }, field("Show values as", format)) : h("p", { class: "muted" }, "You may write this topic but not read it."),
    browser ? browser.element : null,
    tail ? tail.element : null,
    topic.can_write ? produceForm(topic) : null);
  if (browser) await browser.load();
  return null;
}
`;
