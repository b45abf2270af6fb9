/**
 * The auth file: the principals that exist, how each proves who it is, and what each may do.
 * One file guards every door (HTTP, Kafka, Durable Streams, the console). Format (JSON):
 *
 * ```json
 * { "tokens": [
 *   { "name": "billing", "token": "billing-secret-1", "rights": [
 *     { "access": "write", "topics": "payments" },
 *     { "access": "read", "topics": "pay*" },
 *     { "access": "read", "groups": "billing*" },
 *     { "access": "write", "streams": "billing/*" } ] },
 *   { "name": "ops", "token_sha256": "<hex>", "scram": { "SCRAM-SHA-256": { … }, "SCRAM-SHA-512": { … } },
 *     "rights": [{ "access": "admin", "topics": "*" }] } ] }
 * ```
 *
 * - `name`: the principal's user name (the SASL user name on the Kafka port); unique. Optional
 *   for entries that only use HTTP bearer tokens (then `token-<index>`).
 * - The secret: `token` in clear (HTTP bearer token, SASL PLAIN password, and the SCRAM
 *   password: SCRAM credentials are derived from it when the file loads), or pre-hashed as made
 *   by `rivulet auth scram NAME`: `token_sha256` (hex SHA-256 of the token, for bearer and PLAIN)
 *   plus `scram` (per mechanism: base64 `salt`, `iterations` ≥ 4096, base64 `stored_key` and
 *   `server_key`, RFC 5802). A pre-hashed entry without `scram` cannot use SCRAM.
 * - `rights`: `{"access":"read"|"write"|"admin","topics":P}`, `{"access":"read","groups":P}`
 *   (join, poll, commit and fetch offsets of matching groups) or
 *   `{"access":"read"|"write","streams":P}` (Durable Streams paths). `P` is an exact name or a
 *   prefix ending in `*` (`*` alone matches everything). `admin` implies `read` and `write` on its
 *   topics and allows creating and deleting them; `admin` on `"topics":"*"` is cluster admin.
 */
import { scramMechanisms, type ScramCredential, type ScramMechanism } from "./scram-credential.ts";

/** What a right allows on matching topics. */
export type Access = "read" | "write" | "admin";

/** An access on the topics matching a pattern. */
export interface TopicRight {
  access: Access;
  /** Exact topic name, or prefix followed by `*`. */
  topics: string;
}

/** Read access on the consumer groups matching a pattern (join, poll, commit, fetch offsets). */
export interface GroupRight {
  access: "read";
  groups: string;
}

/** Read or write access on the Durable Streams paths matching a pattern. */
export interface StreamRight {
  access: "read" | "write";
  streams: string;
}

/** One right of a principal. */
export type AccessRight = TopicRight | GroupRight | StreamRight;

/** One principal as the file gives it. */
export interface TokenEntry {
  /** The secret in clear: bearer token and SASL password. */
  token?: string;
  /** Hex SHA-256 of the token, when the file holds it pre-hashed. */
  token_sha256?: string;
  /** Pre-hashed SCRAM credentials, per mechanism. */
  scram?: Partial<Record<ScramMechanism, ScramCredential>>;
  /** User name (SASL) and label for logs and metrics (never the token itself). */
  name?: string;
  rights: AccessRight[];
}

/** The whole auth file. */
export interface AuthConfig {
  tokens: TokenEntry[];
}

/** Shortest clear-text token accepted. */
export const tokenLengthMin = 8;
/** Fewest PBKDF2 iterations a SCRAM credential may have (RFC 7677 asks for at least 4096). */
export const scramIterationsMin = 4096;

const accesses: readonly string[] = ["read", "write", "admin"];
const base64 = /^[A-Za-z0-9+/]+={0,2}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPattern(value: unknown): value is string {
  return typeof value === "string" && value !== "" && value.length <= 1024;
}

function parseRight(right: unknown, where: string): AccessRight {
  const shape = `must be {"access":"read"|"write"|"admin","topics":P}, {"access":"read","groups":P} or {"access":"read"|"write","streams":P}`;
  if (!isObject(right) || typeof right.access !== "string" || !accesses.includes(right.access)) throw new TypeError(`${where} ${shape}`);
  const access = right.access as Access;
  const kinds = ["topics", "groups", "streams"].filter((kind) => kind in right);
  if (kinds.length !== 1 || !isPattern(right[kinds[0]])) throw new TypeError(`${where} ${shape}`);
  if ("groups" in right) {
    if (access !== "read") throw new TypeError(`${where}: group rights are "read" only`);
    return { access, groups: right.groups as string };
  }
  if ("streams" in right) {
    if (access === "admin") throw new TypeError(`${where}: stream rights are "read" or "write"`);
    return { access, streams: right.streams as string };
  }
  return { access, topics: right.topics as string };
}

function parseScram(raw: unknown, where: string): Partial<Record<ScramMechanism, ScramCredential>> {
  if (!isObject(raw)) throw new TypeError(`${where}.scram must be an object keyed by mechanism`);
  const out: Partial<Record<ScramMechanism, ScramCredential>> = {};
  for (const [mechanism, value] of Object.entries(raw)) {
    if (!(scramMechanisms as readonly string[]).includes(mechanism)) throw new TypeError(`${where}.scram: unknown mechanism "${mechanism.slice(0, 40)}" (${scramMechanisms.join(", ")})`);
    const at = `${where}.scram["${mechanism}"]`;
    if (!isObject(value)) throw new TypeError(`${at} must be {"salt","iterations","stored_key","server_key"}`);
    const { salt, iterations, stored_key, server_key } = value;
    for (const [field, text] of [["salt", salt], ["stored_key", stored_key], ["server_key", server_key]] as const) {
      if (typeof text !== "string" || !base64.test(text)) throw new TypeError(`${at}.${field} must be base64`);
    }
    if (typeof iterations !== "number" || !Number.isSafeInteger(iterations) || iterations < scramIterationsMin || iterations > 10_000_000) {
      throw new TypeError(`${at}.iterations must be an integer from ${scramIterationsMin}`);
    }
    out[mechanism as ScramMechanism] = { salt: salt as string, iterations, stored_key: stored_key as string, server_key: server_key as string };
  }
  return out;
}

function parseEntry(entry: unknown, i: number): TokenEntry {
  const where = `tokens[${i}]`;
  if (!isObject(entry)) throw new TypeError(`${where} must be an object`);
  const out: TokenEntry = { name: `token-${i}`, rights: [] };
  if (entry.name !== undefined) {
    if (typeof entry.name !== "string" || !/^[\x21-\x7e]{1,255}$/.test(entry.name) || entry.name.includes(",") || entry.name.includes("=")) {
      throw new TypeError(`${where}.name must be 1-255 printable ASCII characters without spaces, "," or "="`);
    }
    out.name = entry.name;
  }
  if (entry.token !== undefined) {
    if (typeof entry.token !== "string" || entry.token.length < tokenLengthMin) throw new TypeError(`${where}.token must be a string of at least ${tokenLengthMin} characters`);
    out.token = entry.token;
  }
  if (entry.token_sha256 !== undefined) {
    if (typeof entry.token_sha256 !== "string" || !/^[0-9a-f]{64}$/.test(entry.token_sha256)) throw new TypeError(`${where}.token_sha256 must be 64 lowercase hex digits`);
    out.token_sha256 = entry.token_sha256;
  }
  if (entry.scram !== undefined) out.scram = parseScram(entry.scram, where);
  if (out.token === undefined && out.token_sha256 === undefined && out.scram === undefined) {
    throw new TypeError(`${where} needs a secret: "token", or "token_sha256" and "scram" as printed by rivulet auth scram`);
  }
  if (out.token !== undefined && (out.token_sha256 !== undefined || out.scram !== undefined)) {
    throw new TypeError(`${where} gives both "token" and pre-hashed credentials; keep one`);
  }
  if (!Array.isArray(entry.rights)) throw new TypeError(`${where}.rights must be an array`);
  out.rights = entry.rights.map((right, j) => parseRight(right, `${where}.rights[${j}]`));
  return out;
}

/**
 * Checks an auth config (as parsed from its JSON file). Messages name the entry and field,
 * never a secret.
 *
 * @param raw the parsed JSON
 * @returns the config, typed, every entry named
 * @throws {TypeError} naming the first malformed entry
 * @example
 * ```ts
 * parseAuthConfig({ tokens: [{ name: "ops", token: "ops-secret-123", rights: [{ access: "admin", topics: "*" }] }] });
 * ```
 */
export function parseAuthConfig(raw: unknown): AuthConfig {
  if (!isObject(raw) || !Array.isArray(raw.tokens)) throw new TypeError(`auth config must be {"tokens":[...]}`);
  const names = new Set<string>();
  const secrets = new Set<string>();
  const tokens = raw.tokens.map((entry, i) => {
    const parsed = parseEntry(entry, i);
    if (names.has(parsed.name!)) throw new TypeError(`tokens[${i}]: duplicate name "${parsed.name}"`);
    names.add(parsed.name!);
    const secret = parsed.token ?? parsed.token_sha256;
    if (secret !== undefined) {
      if (secrets.has(secret)) throw new TypeError(`tokens[${i}]: duplicate token`);
      secrets.add(secret);
    }
    return parsed;
  });
  return { tokens };
}
