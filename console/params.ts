/** Parsing of the console API's path and query parameters; bad input is a typed 400. */
import { RivuletError } from "../core/errors.ts";
import { validateTopicName } from "../core/topic-name.ts";
import type { FilterFields } from "./record-filter.ts";
import type { ScanStart } from "./record-scan.ts";

const digits = /^\d{1,16}$/;
/** Longest filter substring, in UTF-16 code units. */
export const filterLengthMax = 1_024;

/**
 * A topic name from the path; reserved `__` names (Rivulet's own topics) are refused, as the
 * HTTP API refuses them.
 *
 * @throws {RivuletError} `invalid_topic_name`
 */
export function parseTopic(raw: string | undefined): string {
  validateTopicName(raw);
  return raw;
}

/**
 * A non-negative safe integer from a path or query value.
 *
 * @throws {RivuletError} `invalid_request`
 */
export function parseCount(raw: string | undefined, name: string, max: number): number {
  const n = raw !== undefined && digits.test(raw) ? Number(raw) : Number.NaN;
  if (!(n <= max)) throw new RivuletError("invalid_request", `${name} must be an integer from 0 to ${max}`, { limit: max });
  return n;
}

/**
 * A group id from the path: 1 to `lengthMax` characters, none of them a control character.
 *
 * @throws {RivuletError} `invalid_request`
 */
export function parseGroupId(raw: string | undefined, lengthMax: number): string {
  // deno-lint-ignore no-control-regex
  if (raw === undefined || raw.length === 0 || raw.length > lengthMax || /[\x00-\x1f\x7f]/.test(raw)) {
    throw new RivuletError("invalid_request", `group id must be 1-${lengthMax} characters without control characters`);
  }
  return raw;
}

/**
 * Where a page starts: exactly one of `offset`, `timestamp` (ms since the epoch) or `newest`
 * (the last N records); none means the log start.
 *
 * @throws {RivuletError} `invalid_request`
 */
export function parseStart(query: (name: string) => string | undefined, newestMax: number): ScanStart {
  const given = ["offset", "timestamp", "newest"].filter((name) => query(name) !== undefined);
  if (given.length > 1) throw new RivuletError("invalid_request", "give one of offset, timestamp or newest");
  const offset = query("offset");
  if (offset !== undefined) return { offset: parseCount(offset, "offset", Number.MAX_SAFE_INTEGER) };
  const timestamp = query("timestamp");
  if (timestamp !== undefined) return { timestamp: parseCount(timestamp, "timestamp", Number.MAX_SAFE_INTEGER) };
  const newest = query("newest");
  if (newest !== undefined) return { newest: Math.max(1, parseCount(newest, "newest", newestMax)) };
  return { offset: 0 };
}

/**
 * The fields a filter searches: `in=key,value,headers` (any of them; default all three).
 *
 * @throws {RivuletError} `invalid_request`
 */
export function parseFilterFields(raw: string | undefined): FilterFields {
  if (raw === undefined || raw === "") return { key: true, value: true, headers: true };
  const names = raw.split(",");
  for (const name of names) {
    if (name !== "key" && name !== "value" && name !== "headers") throw new RivuletError("invalid_request", `in= takes key, value and headers, got ${JSON.stringify(name.slice(0, 40))}`);
  }
  return { key: names.includes("key"), value: names.includes("value"), headers: names.includes("headers") };
}

/**
 * The filter substring (absent or empty: no filter).
 *
 * @throws {RivuletError} `invalid_request` past {@link filterLengthMax}
 */
export function parseFilterText(raw: string | undefined): string {
  const text = raw ?? "";
  if (text.length > filterLengthMax) throw new RivuletError("invalid_request", `filter is longer than ${filterLengthMax} characters`, { limit: filterLengthMax });
  return text;
}
