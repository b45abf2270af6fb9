/**
 * `tail.js`: the live tail of one partition over the HTTP API's Server-Sent Events (read with
 * fetch, so the token rides in the Authorization header). At most `rowsMax` rows stay on the
 * page; while paused, new records wait (at most `rowsMax` of them, the oldest dropped) and are
 * shown on resume.
 */
export default String.raw`
import { authHeaders, enc } from "./api.js";
import { firstNonEmpty } from "./browser.js";
import { field, h, replace } from "./dom.js";
import { fromApi, recordCard } from "./records.js";
import { plural } from "./format.js";

const rowsMax = 100;

// Splits an event stream into events: { id, event, data } per blank-line-terminated block.
function sseParser(onEvent) {
  let buffer = "";
  return (chunk) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = { id: null, event: "message", data: [] };
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (name === "data") event.data.push(value);
        else if (name === "id") event.id = value;
        else if (name === "event") event.event = value;
      }
      if (event.data.length) onEvent(event.event, event.data.join("\n"));
    }
  };
}

export function liveTail(topic, format) {
  const chosen = firstNonEmpty(topic);
  const partition = h("select", { name: "tail-partition" }, topic.partitions.map((p) => h("option", { value: String(p.partition), selected: String(p.partition) === chosen }, String(p.partition))));
  const start = h("button", { type: "button", class: "primary", id: "tail-start" }, "Start tail");
  const pause = h("button", { type: "button", id: "tail-pause", disabled: true }, "Pause");
  const stop = h("button", { type: "button", id: "tail-stop", disabled: true }, "Stop");
  const status = h("p", { class: "muted", role: "status", "aria-live": "polite", id: "tail-status" }, "Not running.");
  const list = h("div", { class: "records", id: "tail-records" });
  let controller = null;
  let paused = false;
  let waiting = [];
  let dropped = 0;
  let shown = [];

  function setStatus(text) {
    status.textContent = text;
  }

  function addRow(record) {
    shown.unshift(record);
    list.prepend(recordCard(record, format()));
    while (shown.length > rowsMax) {
      shown.pop();
      list.lastElementChild.remove();
    }
  }

  function onRecord(record) {
    if (!paused) return addRow(record);
    waiting.push(record);
    if (waiting.length > rowsMax) {
      waiting.shift();
      dropped++;
    }
    setStatus("Paused: " + plural(waiting.length, "new record") + " waiting" + (dropped ? " (" + plural(dropped, "older record") + " dropped)" : "") + ".");
  }

  async function run(p) {
    controller = new AbortController();
    const signal = controller.signal;
    setStatus("Connecting…");
    let response;
    try {
      response = await fetch("/v1/topics/" + enc(topic.name) + "/partitions/" + enc(p) + "/stream?offset=latest", {
        headers: authHeaders({ accept: "text/event-stream" }), signal: signal,
      });
    } catch (error) {
      if (!signal.aborted) setStatus("Could not connect: " + error.message);
      return finish();
    }
    if (!response.ok) {
      setStatus("The tail was refused (HTTP " + response.status + ").");
      return finish();
    }
    setStatus("Following partition " + p + " from its end; newest first, at most " + rowsMax + " rows.");
    const parse = sseParser((event, data) => {
      if (event === "problem") {
        try {
          setStatus("The server ended the tail: " + JSON.parse(data).detail);
        } catch (_) {
          setStatus("The server ended the tail.");
        }
        return;
      }
      if (event === "message") onRecord(fromApi(JSON.parse(data), Number(p)));
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) break;
        parse(next.value);
      }
      setStatus("The stream ended.");
    } catch (_) {
      if (!signal.aborted) setStatus("The stream broke off.");
    }
    finish();
  }

  function finish() {
    controller = null;
    paused = false;
    start.disabled = false;
    partition.disabled = false;
    pause.disabled = true;
    pause.textContent = "Pause";
    stop.disabled = true;
  }

  start.addEventListener("click", () => {
    if (controller) return;
    replace(list);
    shown = [];
    waiting = [];
    dropped = 0;
    start.disabled = true;
    partition.disabled = true;
    pause.disabled = false;
    stop.disabled = false;
    run(partition.value);
  });
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.textContent = paused ? "Resume" : "Pause";
    pause.setAttribute("aria-pressed", String(paused));
    if (paused) return setStatus("Paused: no new records yet.");
    const flush = waiting;
    waiting = [];
    dropped = 0;
    flush.forEach(addRow);
    setStatus("Following partition " + partition.value + " again.");
  });
  stop.addEventListener("click", () => {
    if (controller) controller.abort();
    setStatus("Stopped.");
  });

  return {
    element: h("section", { "aria-labelledby": "tail-h", id: "tail" }, h("h2", { id: "tail-h" }, "Live tail"),
      h("div", { class: "row" }, field("Partition", partition), start, pause, stop), status, list),
    rerender: () => replace(list, shown.map((r) => recordCard(r, format()))),
    close: () => controller && controller.abort(),
  };
}
`;
