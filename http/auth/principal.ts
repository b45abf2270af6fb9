import { RivuletError } from "../../core/errors.ts";
import type { Access, AccessRight, AuthConfig } from "./auth-config.ts";

/** Who made a request: the token's label and rights. */
export interface Principal {
  name: string;
  rights: AccessRight[];
}

/** Looks tokens up; built once per app from its {@link AuthConfig}. */
export class TokenTable {
  #byToken = new Map<string, Principal>();

  /** @param config the checked auth config */
  constructor(config: AuthConfig) {
    for (const entry of config.tokens) this.#byToken.set(entry.token, { name: entry.name ?? "token", rights: entry.rights });
  }

  /**
   * Finds the principal of an `Authorization` header.
   *
   * @param header the header's value, or undefined
   * @returns the principal
   * @throws {RivuletError} `unauthorized` when the header is absent, not `Bearer`, or unknown
   */
  authenticate(header: string | undefined): Principal {
    const match = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
    if (!match) throw new RivuletError("unauthorized", "a bearer token is required (Authorization: Bearer <token>)");
    const principal = this.#byToken.get(match[1]);
    if (!principal) throw new RivuletError("unauthorized", "the bearer token is not valid");
    return principal;
  }
}

function matches(pattern: string, topic: string): boolean {
  return pattern.endsWith("*") ? topic.startsWith(pattern.slice(0, -1)) : pattern === topic;
}

/**
 * Whether a principal holds `access` on `topic` (`admin` implies `read` and `write`).
 * With `topic` null, whether it holds `access` on any topic at all.
 */
export function hasAccess(principal: Principal, access: Access, topic: string | null): boolean {
  return principal.rights.some((right) =>
    (right.access === access || right.access === "admin") && (topic === null || matches(right.topics, topic))
  );
}

/**
 * Throws unless the principal holds `access` on `topic`.
 *
 * @throws {RivuletError} `forbidden`
 */
export function requireAccess(principal: Principal, access: Access, topic: string | null): void {
  if (!hasAccess(principal, access, topic)) {
    const on = topic === null ? "any topic" : `topic "${topic}"`;
    throw new RivuletError("forbidden", `token "${principal.name}" has no ${access} access to ${on}`, { access, topic });
  }
}
