/**
 * Protocol offsets. A stream offset is the index of the next record (one record per append), and
 * its token is `<index, 16 digits>_<sub-position, 16 digits>`, so tokens sort lexicographically
 * exactly as positions do, contain none of `, & = ? /`, and never equal the sentinels `-1` and
 * `now`. The sub-position names a point inside the record at `index`; Rivulet never splits a
 * record, so the offsets it hands out always end in sixteen zeros, and only those are accepted.
 */
import { ProtocolError } from "./protocol-error.ts";

const DIGITS = 16;
const ZERO_SUB = "0".repeat(DIGITS);
const TOKEN = /^(\d{16})_(\d{16})$/;

/** A requested read position: a stream offset, the stream's start, or its tail. */
export type ReadOffset = { kind: "offset"; offset: number } | { kind: "start" } | { kind: "now" };

/**
 * Formats a stream offset as a protocol token.
 *
 * @param offset a record index (a non-negative safe integer below 10^16)
 * @returns the token, e.g. `0000000000000042_0000000000000000`
 * @example
 * ```ts
 * formatOffset(3); // "0000000000000003_0000000000000000"
 * ```
 */
export function formatOffset(offset: number): string {
  return `${String(offset).padStart(DIGITS, "0")}_${ZERO_SUB}`;
}

/**
 * Parses a token this server handed out (no sentinels).
 *
 * @param token the offset token
 * @returns the stream offset, or null when the token is not one of ours
 */
export function parseOffsetToken(token: string): number | null {
  const match = TOKEN.exec(token);
  if (!match || match[2] !== ZERO_SUB) return null;
  const offset = Number(match[1]);
  return Number.isSafeInteger(offset) ? offset : null;
}

/**
 * Reads the `offset` query parameter of a GET.
 *
 * @param values every `offset` value in the query (none when absent)
 * @returns the position to read from; absent means the start
 * @throws {ProtocolError} 400 for an empty, repeated or malformed offset
 */
export function parseReadOffset(values: string[]): ReadOffset {
  if (values.length === 0) return { kind: "start" };
  if (values.length > 1) throw new ProtocolError(400, "bad_offset", "offset may be given once");
  const [token] = values;
  if (token === "-1") return { kind: "start" };
  if (token === "now") return { kind: "now" };
  const offset = parseOffsetToken(token);
  if (offset === null) throw new ProtocolError(400, "bad_offset", `malformed offset ${JSON.stringify(token.slice(0, 80))}`);
  return { kind: "offset", offset };
}
