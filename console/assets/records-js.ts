/** `records.js`: records from either API in one shape, and their card on the page. */
export default String.raw`
import { h } from "./dom.js";
import { fromBase64, show, timeLabel, utf8Bytes } from "./format.js";

// A record of the console's API: every byte field in base64.
export function fromConsole(r) {
  return {
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: fromBase64(r.key_b64),
    value: fromBase64(r.value_b64),
    headers: r.headers.map((pair) => [pair[0], fromBase64(pair[1])]),
  };
}

function apiHeaderValue(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === "object" && typeof value.b64 === "string") return fromBase64(value.b64);
  return utf8Bytes(String(value));
}

// A record of the HTTP API (fetch or SSE): key as text or key_b64; value as the JSON it holds
// (shown in its compact form) or value_b64; headers as an object or as pairs.
export function fromApi(r, partition) {
  let value = null;
  if (typeof r.value_b64 === "string") value = fromBase64(r.value_b64);
  else if (r.value !== null && r.value !== undefined) value = utf8Bytes(JSON.stringify(r.value));
  let key = null;
  if (typeof r.key_b64 === "string") key = fromBase64(r.key_b64);
  else if (typeof r.key === "string") key = utf8Bytes(r.key);
  const headers = Array.isArray(r.headers)
    ? r.headers.map((pair) => [String(pair[0]), apiHeaderValue(pair[1])])
    : Object.entries(r.headers || {}).map((pair) => [pair[0], apiHeaderValue(pair[1])]);
  return { partition: partition, offset: r.offset, timestamp: r.timestamp, key: key, value: value, headers: headers };
}

export function recordCard(record, format) {
  const value = show(record.value, format);
  const key = show(record.key, format === "hex" ? "hex" : "text");
  return h("article", { class: "record", dataset: { offset: String(record.offset), partition: String(record.partition) } },
    h("div", { class: "record-meta" },
      h("span", { class: "offset" }, "#" + record.offset),
      h("span", { class: "muted" }, "p" + record.partition),
      h("time", { datetime: new Date(record.timestamp).toISOString() }, timeLabel(record.timestamp)),
      record.key === null ? h("span", { class: "muted" }, "no key") :
        h("span", { class: "key" }, h("span", { class: "muted" }, "key "), h("code", { class: "record-key" }, key.text))),
    h("pre", { class: "record-value", "aria-label": "value, " + value.note }, value.text),
    record.headers.length === 0 ? null : h("dl", { class: "record-headers" },
      record.headers.map((pair) => [h("dt", {}, pair[0]), h("dd", {}, show(pair[1], format === "hex" ? "hex" : "text").text)])));
}
`;
