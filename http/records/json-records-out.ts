/**
 * Renders consumed records as JSON text (the fetch, poll and SSE shape):
 * `{"offset","timestamp","key","value","headers"}` (plus `"topic","partition"` when asked).
 * `key` is a string where the bytes are UTF-8, else `key_b64`; `value` is the JSON the bytes
 * hold where they are UTF-8 JSON, else `value_b64`. `headers` is an object of name → string,
 * or `[name, value]` pairs when a name repeats or a value is not UTF-8 (then the value is
 * `{"b64": "..."}`). Valid stored JSON is spliced in as it is, never parsed and re-printed,
 * unless it holds a line break (so the text is always one line, as SSE `data:` needs).
 */
import type { ConsumedRecord, RecordHeader } from "../../broker/types.ts";
import { toBase64, utf8OrNull } from "./bytes.ts";

/** `"key":…` or `"key_b64":…` as JSON text. */
export function keyJson(key: Uint8Array | null): string {
  if (key === null) return `"key":null`;
  const text = utf8OrNull(key);
  return text === null ? `"key_b64":"${toBase64(key)}"` : `"key":${JSON.stringify(text)}`;
}

/** `"value":…` or `"value_b64":…` as one line of JSON text. */
export function valueJson(value: Uint8Array | null): string {
  if (value === null) return `"value":null`;
  const text = utf8OrNull(value);
  if (text !== null && text.length > 0) {
    try {
      const parsed: unknown = JSON.parse(text);
      const oneLine = text.indexOf("\n") === -1 && text.indexOf("\r") === -1;
      return `"value":${oneLine ? text : JSON.stringify(parsed)}`;
    } catch {
      // not JSON: fall through to base64
    }
  }
  return `"value_b64":"${toBase64(value)}"`;
}

function headerValueJson(value: Uint8Array | null): string | null {
  if (value === null) return "null";
  const text = utf8OrNull(value);
  return text === null ? null : JSON.stringify(text);
}

/** `"headers":…` as JSON text. */
export function headersJson(headers: RecordHeader[]): string {
  if (headers.length === 0) return `"headers":{}`;
  const names = new Set<string>();
  const values: Array<string | null> = [];
  let asObject = true;
  for (const [name, value] of headers) {
    const rendered = headerValueJson(value);
    if (rendered === null || names.has(name)) asObject = false;
    names.add(name);
    values.push(rendered);
  }
  if (asObject) {
    return `"headers":{${headers.map(([name], i) => `${JSON.stringify(name)}:${values[i]}`).join(",")}}`;
  }
  const pairs = headers.map(([name, value], i) => `[${JSON.stringify(name)},${values[i] ?? `{"b64":"${toBase64(value ?? new Uint8Array(0))}"}`}]`);
  return `"headers":[${pairs.join(",")}]`;
}

/**
 * One record as a single line of JSON text.
 *
 * @param record the consumed record
 * @param withTopic include `topic` and `partition` (group polls)
 * @returns the JSON text
 */
export function recordJson(record: ConsumedRecord, withTopic = false): string {
  const where = withTopic ? `"topic":${JSON.stringify(record.topic)},"partition":${record.partition},` : "";
  return `{${where}"offset":${record.offset},"timestamp":${record.timestamp},${keyJson(record.key)},${valueJson(record.value)},${headersJson(record.headers)}}`;
}

/** Records as a JSON array text. */
export function recordsJson(records: readonly ConsumedRecord[], withTopic = false): string {
  let text = "[";
  for (let i = 0; i < records.length; i++) text += (i === 0 ? "" : ",") + recordJson(records[i], withTopic);
  return text + "]";
}
