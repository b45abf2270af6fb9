/**
 * Who is asking and what they may do: a {@link Principal} and the checks every door makes on
 * it (topics, groups, Durable Streams paths). Pure functions over the rights of one principal.
 */
import { RivuletError } from "../core/errors.ts";
import type { Access, AccessRight } from "./auth-config.ts";

/** An authenticated principal: its name and rights. */
export interface Principal {
  name: string;
  rights: readonly AccessRight[];
}

/** Whether `pattern` (exact, or a prefix ending in `*`) matches `name`. */
export function matchesPattern(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/**
 * Whether a principal holds `access` on `topic` (`admin` implies `read` and `write`).
 * With `topic` null, whether it holds `access` on any topic at all.
 */
export function hasAccess(principal: Principal, access: Access, topic: string | null): boolean {
  return principal.rights.some((right) =>
    "topics" in right && (right.access === access || right.access === "admin") && (topic === null || matchesPattern(right.topics, topic))
  );
}

/** Whether a principal may see a topic at all (read or write on it). */
export function canSeeTopic(principal: Principal, topic: string): boolean {
  return hasAccess(principal, "read", topic) || hasAccess(principal, "write", topic);
}

/** Whether a principal is cluster admin (`admin` on `"topics":"*"`). */
export function isClusterAdmin(principal: Principal): boolean {
  return principal.rights.some((right) => "topics" in right && right.access === "admin" && right.topics === "*");
}

/** Whether a principal may use consumer group `group` (join, poll, commit, fetch offsets). */
export function hasGroupAccess(principal: Principal, group: string): boolean {
  return isClusterAdmin(principal) || principal.rights.some((right) => "groups" in right && matchesPattern(right.groups, group));
}

/** Whether a principal holds `access` ("read" or "write") on the Durable Streams path `path`. */
export function hasStreamAccess(principal: Principal, access: "read" | "write", path: string): boolean {
  return isClusterAdmin(principal) || principal.rights.some((right) => "streams" in right && right.access === access && matchesPattern(right.streams, path));
}

/**
 * Throws unless the principal holds `access` on `topic`.
 *
 * @throws {RivuletError} `forbidden`
 */
export function requireAccess(principal: Principal, access: Access, topic: string | null): void {
  if (!hasAccess(principal, access, topic)) {
    const on = topic === null ? "any topic" : `topic "${topic}"`;
    throw new RivuletError("forbidden", `principal "${principal.name}" has no ${access} access to ${on}`, { access, topic });
  }
}

/**
 * Throws unless the principal may use consumer group `group`.
 *
 * @throws {RivuletError} `forbidden`
 */
export function requireGroupAccess(principal: Principal, group: string): void {
  if (!hasGroupAccess(principal, group)) {
    throw new RivuletError("forbidden", `principal "${principal.name}" has no read access to group "${group}"`, { access: "read", group });
  }
}

/**
 * Throws unless the principal holds `access` on the stream path `path`.
 *
 * @throws {RivuletError} `forbidden`
 */
export function requireStreamAccess(principal: Principal, access: "read" | "write", path: string): void {
  if (!hasStreamAccess(principal, access, path)) {
    throw new RivuletError("forbidden", `principal "${principal.name}" has no ${access} access to stream "${path}"`, { access, stream: path });
  }
}
