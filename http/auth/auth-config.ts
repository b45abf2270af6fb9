/**
 * The bearer-token file: which tokens exist and what each may do. Format (JSON):
 *
 * ```json
 * { "tokens": [
 *   { "token": "s3cret", "name": "billing", "rights": [
 *     { "access": "read", "topics": "payments" },
 *     { "access": "write", "topics": "billing-*" } ] },
 *   { "token": "r00t", "rights": [{ "access": "admin", "topics": "*" }] } ] }
 * ```
 *
 * `topics` is an exact name or a prefix ending in `*` (`*` alone: every topic). `admin`
 * implies `read` and `write`, and also allows creating and deleting topics.
 */

/** What a right allows on matching topics. */
export type Access = "read" | "write" | "admin";

/** One right: an access on the topics matching a pattern. */
export interface AccessRight {
  access: Access;
  /** Exact topic name, or prefix followed by `*`. */
  topics: string;
}

/** One bearer token. */
export interface TokenEntry {
  token: string;
  /** A label for logs and metrics (never the token itself). */
  name?: string;
  rights: AccessRight[];
}

/** The whole auth file. */
export interface AuthConfig {
  tokens: TokenEntry[];
}

const accesses: readonly string[] = ["read", "write", "admin"];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks an auth config (as parsed from its JSON file).
 *
 * @param raw the parsed JSON
 * @returns the same config, typed
 * @throws {TypeError} naming the first malformed entry
 * @example
 * ```ts
 * parseAuthConfig({ tokens: [{ token: "t", rights: [{ access: "read", topics: "*" }] }] });
 * ```
 */
export function parseAuthConfig(raw: unknown): AuthConfig {
  if (!isObject(raw) || !Array.isArray(raw.tokens)) throw new TypeError(`auth config must be {"tokens":[...]}`);
  const seen = new Set<string>();
  const tokens = raw.tokens.map((entry, i): TokenEntry => {
    if (!isObject(entry) || typeof entry.token !== "string" || entry.token.length < 8) {
      throw new TypeError(`auth config tokens[${i}]: "token" must be a string of at least 8 characters`);
    }
    if (seen.has(entry.token)) throw new TypeError(`auth config tokens[${i}]: duplicate token`);
    seen.add(entry.token);
    if (!Array.isArray(entry.rights)) throw new TypeError(`auth config tokens[${i}]: "rights" must be an array`);
    const rights = entry.rights.map((right, j): AccessRight => {
      if (!isObject(right) || typeof right.access !== "string" || !accesses.includes(right.access) || typeof right.topics !== "string" || right.topics === "") {
        throw new TypeError(`auth config tokens[${i}].rights[${j}] must be {"access":"read"|"write"|"admin","topics":"name"|"prefix*"}`);
      }
      return { access: right.access as Access, topics: right.topics };
    });
    const name = typeof entry.name === "string" ? entry.name : `token-${i}`;
    return { token: entry.token, name, rights };
  });
  return { tokens };
}
