/**
 * Parsing of the protocol's request headers. Integers are decimal without sign, leading zeros,
 * fraction or exponent, as PROTOCOL.md requires of Stream-TTL and the producer headers.
 */
import { ProtocolError } from "./protocol-error.ts";

const DECIMAL = /^(0|[1-9]\d*)$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const encoder = new TextEncoder();

/** A producer's identity on one append. */
export interface ProducerHeaders {
  id: string;
  epoch: number;
  seq: number;
}

function bad(code: string, message: string): ProtocolError {
  return new ProtocolError(400, code, message);
}

/**
 * A non-negative decimal integer no larger than 2^53-1.
 *
 * @throws {ProtocolError} 400 naming `header`
 */
export function parseDecimal(raw: string, header: string): number {
  const value = Number(raw);
  if (!DECIMAL.test(raw) || !Number.isSafeInteger(value)) throw bad("bad_header", `${header} must be a non-negative integer, got ${JSON.stringify(raw.slice(0, 40))}`);
  return value;
}

/** `Stream-TTL` in seconds, or null when absent; at most `maxSeconds`. */
export function parseTtl(raw: string | null, maxSeconds: number): number | null {
  if (raw === null) return null;
  const ttl = parseDecimal(raw, "Stream-TTL");
  if (ttl > maxSeconds) throw bad("bad_header", `Stream-TTL may be at most ${maxSeconds} seconds`);
  return ttl;
}

/** `Stream-Expires-At` (RFC 3339) as ms since the epoch, or null when absent. */
export function parseExpiresAt(raw: string | null): number | null {
  if (raw === null) return null;
  const ms = RFC3339.test(raw) ? Date.parse(raw.replace(" ", "T")) : Number.NaN;
  if (!Number.isFinite(ms)) throw bad("bad_header", "Stream-Expires-At must be an RFC 3339 timestamp");
  return ms;
}

/** `Stream-Closed`: true, false, or absent (false). */
export function parseClosed(raw: string | null): boolean {
  if (raw === null) return false;
  const value = raw.trim().toLowerCase();
  if (value === "true") return true;
  if (value === "false") return false;
  throw bad("bad_header", "Stream-Closed must be true or false");
}

/** A free-form header value (Stream-Seq, Producer-Id) that must be non-empty and short. */
export function parseToken(raw: string | null, header: string, maxBytes: number): string | null {
  if (raw === null) return null;
  if (raw === "") throw bad("bad_header", `${header} must not be empty`);
  if (encoder.encode(raw).length > maxBytes) throw bad("bad_header", `${header} may be at most ${maxBytes} bytes`);
  return raw;
}

/**
 * The producer headers: all three or none.
 *
 * @throws {ProtocolError} 400 when only some are given or one is malformed
 */
export function parseProducer(headers: Headers, maxIdBytes: number): ProducerHeaders | null {
  const id = headers.get("producer-id");
  const epoch = headers.get("producer-epoch");
  const seq = headers.get("producer-seq");
  if (id === null && epoch === null && seq === null) return null;
  if (id === null || epoch === null || seq === null) throw bad("bad_producer", "Producer-Id, Producer-Epoch and Producer-Seq must be given together");
  return { id: parseToken(id, "Producer-Id", maxIdBytes)!, epoch: parseDecimal(epoch, "Producer-Epoch"), seq: parseDecimal(seq, "Producer-Seq") };
}
