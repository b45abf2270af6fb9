/**
 * `produce.js`: writes one record through the HTTP API (`POST /v1/topics/{topic}/records`).
 * The value is sent as the bytes typed (`value_b64` of their UTF-8), so text stays text; with
 * "JSON" it must parse first. Headers are `name: value` lines. Shown only to principals who
 * may write the topic (the API refuses the others anyway).
 */
export default String.raw`
import { enc, request } from "./api.js";
import { field, h } from "./dom.js";
import { toBase64, utf8Bytes } from "./format.js";

function parseHeaders(text) {
  const pairs = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error("each header line must be name: value");
    pairs.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return pairs;
}

export function produceForm(topic) {
  const partition = h("select", { name: "produce-partition" },
    h("option", { value: "" }, "by key (default partitioner)"),
    topic.partitions.map((p) => h("option", { value: String(p.partition) }, String(p.partition))));
  const key = h("input", { name: "key", type: "text", autocomplete: "off" });
  const value = h("textarea", { name: "value", rows: "4", spellcheck: "false" });
  const kind = h("select", { name: "value-kind" }, h("option", { value: "text" }, "Text"), h("option", { value: "json" }, "JSON (checked)"));
  const headers = h("textarea", { name: "headers", rows: "2", spellcheck: "false", placeholder: "name: value" });
  const status = h("p", { class: "muted", role: "status", "aria-live": "polite", id: "produce-status" });
  const submit = h("button", { type: "submit", class: "primary" }, "Produce");

  async function send(event) {
    event.preventDefault();
    let record;
    try {
      if (kind.value === "json") JSON.parse(value.value);
      record = { value_b64: toBase64(utf8Bytes(value.value)), headers: parseHeaders(headers.value) };
    } catch (error) {
      status.textContent = "Not sent: " + error.message;
      return;
    }
    if (key.value !== "") record.key = key.value;
    if (partition.value !== "") record.partition = Number(partition.value);
    submit.disabled = true;
    status.textContent = "Sending…";
    try {
      const reply = await request("/v1/topics/" + enc(topic.name) + "/records", {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records: [record] }),
      });
      const at = reply.offsets[0];
      status.textContent = "Written to partition " + at.partition + " at offset " + at.offset + ".";
    } catch (error) {
      status.textContent = "Not written: " + error.message;
    } finally {
      submit.disabled = false;
    }
  }

  return h("section", { "aria-labelledby": "produce-h", id: "produce" }, h("h2", { id: "produce-h" }, "Produce a record"),
    h("form", { onsubmit: send },
      h("div", { class: "row" }, field("Partition", partition), field("Key", key), field("Value is", kind)),
      field("Value", value), field("Headers", headers, "one per line, name: value"),
      h("div", { class: "row" }, submit)), status);
}
`;
