/** Parsing of path and query parameters: topics, partitions, offsets and bounded integers. */
import { RivuletError } from "../core/errors.ts";
import { validateTopicName } from "../core/topic-name.ts";

const digits = /^\d{1,16}$/;

/**
 * A topic name from a path segment (already percent-decoded).
 *
 * @throws {RivuletError} `invalid_topic_name`
 */
export function parseTopic(raw: string | undefined): string {
  validateTopicName(raw);
  return raw;
}

/**
 * A partition number: decimal digits only, below 2^31.
 *
 * @throws {RivuletError} `invalid_request`
 */
export function parsePartition(raw: string | undefined): number {
  const n = raw !== undefined && digits.test(raw) ? Number(raw) : Number.NaN;
  if (!(n <= 0x7fffffff)) {
    throw new RivuletError("invalid_request", `partition must be a non-negative integer, got ${JSON.stringify(String(raw).slice(0, 40))}`);
  }
  return n;
}

/**
 * The `isolation` query parameter: `read_uncommitted` (the default, as in Kafka) or
 * `read_committed` (only decided transactions' records, up to the last stable offset).
 *
 * @throws {RivuletError} `invalid_request` for any other value
 */
export function parseIsolation(raw: string | undefined | null): "read_committed" | "read_uncommitted" {
  if (raw === undefined || raw === null || raw === "" || raw === "read_uncommitted") return "read_uncommitted";
  if (raw === "read_committed") return raw;
  throw new RivuletError("invalid_request", `isolation must be read_committed or read_uncommitted, got ${JSON.stringify(raw.slice(0, 40))}`);
}

/** The OpenAPI description of the `isolation` query parameter. */
export const isolationParam = {
  name: "isolation",
  in: "query",
  description: "read_uncommitted (default): every record; read_committed: only committed transactions' records, up to the last stable offset",
  schema: { type: "string", enum: ["read_uncommitted", "read_committed"] },
} as const;

/** A starting position: an offset, or the log's start or end. */
export type OffsetParam = number | "earliest" | "latest";

/**
 * An offset: decimal digits (a safe integer), `earliest` or `latest`; absent gives `fallback`.
 *
 * @throws {RivuletError} `invalid_offset`
 */
export function parseOffset(raw: string | undefined | null, fallback: OffsetParam): OffsetParam {
  if (raw === undefined || raw === null || raw === "") return fallback;
  if (raw === "earliest" || raw === "latest") return raw;
  const n = digits.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new RivuletError("invalid_offset", `offset must be a non-negative integer, "earliest" or "latest", got ${JSON.stringify(raw.slice(0, 40))}`);
  }
  return n;
}

/**
 * A non-negative integer query parameter, clamped to `max`; absent gives `fallback`.
 *
 * @throws {RivuletError} `invalid_request` when present but not a non-negative integer
 */
export function parseBoundedInt(raw: string | undefined | null, name: string, fallback: number, max: number): number {
  if (raw === undefined || raw === null || raw === "") return Math.min(fallback, max);
  const n = digits.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new RivuletError("invalid_request", `${name} must be a non-negative integer, got ${JSON.stringify(raw.slice(0, 40))}`);
  return Math.min(n, max);
}
