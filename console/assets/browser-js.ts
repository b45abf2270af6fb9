/**
 * `browser.js`: the message browser: one partition, from an offset, a time or the newest N,
 * filtered by a substring of key, value or headers; pages forward (from the server's
 * next_offset) and back (the pages seen before), one bounded page at a time.
 */
export default String.raw`
import { consoleApi, enc } from "./api.js";
import { field, h, replace } from "./dom.js";
import { fromConsole, recordCard } from "./records.js";
import { plural } from "./format.js";

function select(name, options, value) {
  return h("select", { name: name }, options.map((o) => h("option", { value: o[0], selected: o[0] === value }, o[1])));
}

// The first partition holding records, so a new user sees some at once.
export function firstNonEmpty(topic) {
  const found = topic.partitions.find((p) => p.end_offset > p.start_offset);
  return String(found ? found.partition : 0);
}

export function messageBrowser(topic, format) {
  const partition = select("partition", topic.partitions.map((p) => [String(p.partition), String(p.partition)]), firstNonEmpty(topic));
  const mode = select("from", [["offset", "Offset"], ["timestamp", "Time"], ["newest", "Newest N"]], "offset");
  const offset = h("input", { name: "offset", type: "number", min: "0", step: "1", value: "0", inputmode: "numeric" });
  const time = h("input", { name: "timestamp", type: "datetime-local", step: "1" });
  const newest = h("input", { name: "newest", type: "number", min: "1", step: "1", value: "50", inputmode: "numeric" });
  const count = select("count", [["20", "20"], ["50", "50"], ["100", "100"]], "20");
  const filter = h("input", { name: "filter", type: "search", maxlength: "1024", placeholder: "substring" });
  const inKey = h("input", { type: "checkbox", name: "in-key", checked: true });
  const inValue = h("input", { type: "checkbox", name: "in-value", checked: true });
  const inHeaders = h("input", { type: "checkbox", name: "in-headers", checked: true });
  const status = h("p", { class: "muted", role: "status", "aria-live": "polite" });
  const list = h("div", { class: "records", id: "browser-records" });
  const prev = h("button", { type: "button", disabled: true }, "Previous page");
  const next = h("button", { type: "button", disabled: true }, "Next page");
  const startFields = { offset: field("Start offset", offset), timestamp: field("Start time (local)", time), newest: field("How many", newest) };
  const startBox = h("div", { class: "start" }, startFields.offset);
  let history = [];
  let page = null;

  function showStart() {
    replace(startBox, startFields[mode.value]);
  }
  mode.addEventListener("change", showStart);

  function query(start) {
    const q = new URLSearchParams();
    q.set(start.kind, String(start.value));
    q.set("count", count.value);
    if (filter.value) {
      q.set("filter", filter.value);
      q.set("in", [inKey.checked ? "key" : null, inValue.checked ? "value" : null, inHeaders.checked ? "headers" : null].filter(Boolean).join(","));
    }
    return q.toString();
  }

  function startFromForm() {
    if (mode.value === "timestamp") {
      const ms = time.value ? new Date(time.value).getTime() : 0;
      return { kind: "timestamp", value: isNaN(ms) ? 0 : ms };
    }
    if (mode.value === "newest") return { kind: "newest", value: Math.max(1, Number(newest.value) || 1) };
    return { kind: "offset", value: Math.max(0, Math.floor(Number(offset.value) || 0)) };
  }

  function render() {
    if (!page) return;
    const records = page.records.map(fromConsole);
    replace(list, records.length === 0 ? h("p", { class: "muted" }, "No matching records here.") : records.map((r) => recordCard(r, format())));
    const shown = records.length ? "offsets " + records[0].offset + "–" + records[records.length - 1].offset + ", " : "";
    status.textContent = plural(records.length, "record") + " (" + shown + page.scanned + " read from offset " + page.start_offset +
      "); partition holds " + page.log_start_offset + "–" + page.high_watermark + (page.reached_end ? "; end reached" : "");
    prev.disabled = history.length < 2;
    next.disabled = page.reached_end && page.next_offset >= page.high_watermark;
  }

  async function load(start, push) {
    status.textContent = "Loading…";
    try {
      page = await consoleApi("/topics/" + enc(topic.name) + "/partitions/" + enc(partition.value) + "/records?" + query(start));
    } catch (error) {
      status.textContent = "Could not load records: " + error.message;
      return;
    }
    if (push) history.push(start);
    render();
  }

  next.addEventListener("click", () => page && load({ kind: "offset", value: page.next_offset }, true));
  prev.addEventListener("click", () => {
    history.pop();
    const start = history[history.length - 1];
    if (start) load(start, false);
  });
  const form = h("form", { class: "browser-form", onsubmit: (event) => {
    event.preventDefault();
    history = [];
    load(startFromForm(), true);
  } },
    h("div", { class: "row" }, field("Partition", partition), field("From", mode), startBox, field("Page size", count)),
    h("div", { class: "row" }, field("Filter", filter, "key, value or header substring"),
      h("fieldset", { class: "checks" }, h("legend", {}, "Search in"),
        h("label", {}, inKey, " key"), h("label", {}, inValue, " value"), h("label", {}, inHeaders, " headers"))),
    h("div", { class: "row" }, h("button", { type: "submit", class: "primary" }, "Load records"), prev, next));
  return {
    element: h("section", { "aria-labelledby": "browser-h", id: "browser" }, h("h2", { id: "browser-h" }, "Messages"), form, status, list),
    rerender: render,
    load: () => load(startFromForm(), true),
    browse(p) {
      partition.value = String(p);
      mode.value = "offset";
      showStart();
      offset.value = "0";
      history = [];
      load(startFromForm(), true);
      partition.focus();
    },
  };
}
`;
