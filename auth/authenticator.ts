/**
 * Proves who is asking, for every door, from one {@link AuthConfig}: bearer tokens (HTTP,
 * Durable Streams, the console), SASL PLAIN and SCRAM credentials (the Kafka listener). One
 * instance per server, shared by its doors, so failed attempts count per client address across
 * doors ({@link AuthFailures}).
 *
 * Secrets are compared in constant time: a presented token is hashed (SHA-256) and looked up by
 * hash, then the hashes are compared with `timingSafeEqual`; nothing here logs or returns a
 * secret. SCRAM credentials of clear-text entries are derived on first use (random salt, 4096
 * iterations) and kept for the life of the instance.
 *
 * Not thread-safe; lives on the main thread.
 */
import { Buffer } from "node:buffer";
import { createHash, timingSafeEqual } from "node:crypto";
import { RivuletError } from "../core/errors.ts";
import { type Limits, resolveLimits } from "../core/limits.ts";
import { type AuthConfig, parseAuthConfig, type TokenEntry } from "./auth-config.ts";
import { AuthFailures } from "./auth-failures.ts";
import type { Principal } from "./rights.ts";
import { deriveScramCredential, type ScramCredential, type ScramMechanism } from "./scram-credential.ts";

/** A SCRAM credential decoded for the server side of an exchange. */
export interface ScramSecret {
  salt: Uint8Array;
  iterations: number;
  storedKey: Uint8Array;
  serverKey: Uint8Array;
}

interface Entry {
  principal: Principal;
  /** SHA-256 of the token. */
  tokenHash: Uint8Array | null;
  token: string | null;
  scram: Partial<Record<ScramMechanism, ScramCredential>>;
  decoded: Partial<Record<ScramMechanism, ScramSecret>>;
}

function sha256(text: string): Uint8Array {
  return createHash("sha256").update(text).digest();
}

function hashKey(hash: Uint8Array): string {
  return Buffer.from(hash).toString("hex");
}

function decode(credential: ScramCredential): ScramSecret {
  return {
    salt: Buffer.from(credential.salt, "base64"),
    iterations: credential.iterations,
    storedKey: Buffer.from(credential.stored_key, "base64"),
    serverKey: Buffer.from(credential.server_key, "base64"),
  };
}

/** The principals of an auth config and how each proves itself; see the module doc. */
export class Authenticator {
  readonly #byHash = new Map<string, Entry>();
  readonly #byName = new Map<string, Entry>();
  /** Failed attempts per client address and door (counted in `/metrics`, slowed per address). */
  readonly failures: AuthFailures;

  /**
   * @param config the auth config (checked again here)
   * @param limits limits overrides (the failure throttle's)
   * @throws {TypeError} on a malformed config
   */
  constructor(config: AuthConfig, limits: Partial<Limits> | Limits = {}) {
    const checked = parseAuthConfig(config);
    this.failures = new AuthFailures(resolveLimits(limits));
    for (const raw of checked.tokens) this.#add(raw);
  }

  #add(raw: TokenEntry): void {
    const tokenHash = raw.token !== undefined ? sha256(raw.token) : raw.token_sha256 !== undefined ? Buffer.from(raw.token_sha256, "hex") : null;
    const entry: Entry = {
      principal: Object.freeze({ name: raw.name!, rights: Object.freeze([...raw.rights]) }),
      tokenHash,
      token: raw.token ?? null,
      scram: { ...raw.scram },
      decoded: {},
    };
    if (tokenHash) this.#byHash.set(hashKey(tokenHash), entry);
    this.#byName.set(entry.principal.name, entry);
  }

  /** Every principal's name (for tests and the console; no secrets). */
  get names(): string[] {
    return [...this.#byName.keys()];
  }

  /** The principal of a presented token, or null (constant time in the token's content). */
  token(token: string): Principal | null {
    const hash = sha256(token);
    const entry = this.#byHash.get(hashKey(hash));
    return entry?.tokenHash && timingSafeEqual(entry.tokenHash, hash) ? entry.principal : null;
  }

  /**
   * The principal of an HTTP `Authorization` header.
   *
   * @param header the header's value, or undefined
   * @throws {RivuletError} `unauthorized` when the header is absent, not `Bearer`, or unknown
   */
  bearer(header: string | undefined): Principal {
    const match = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
    if (!match) throw new RivuletError("unauthorized", "a bearer token is required (Authorization: Bearer <token>)");
    const principal = this.token(match[1]);
    if (!principal) throw new RivuletError("unauthorized", "the bearer token is not valid");
    return principal;
  }

  /** SASL PLAIN: the principal named `name` if `password` is its token, else null. */
  plain(name: string, password: string): Principal | null {
    const entry = this.#byName.get(name);
    const hash = sha256(password);
    // Compare against something of the right length even for an unknown name, so timing does
    // not tell which names exist.
    const expected = entry?.tokenHash ?? hash.map((byte) => byte ^ 0xff);
    return timingSafeEqual(expected, hash) && entry ? entry.principal : null;
  }

  /**
   * The SCRAM credential of `name` for `mechanism`, or null when there is no such principal or
   * it has no credential for that mechanism.
   */
  scram(name: string, mechanism: ScramMechanism): { principal: Principal; secret: ScramSecret } | null {
    const entry = this.#byName.get(name);
    if (!entry) return null;
    let secret = entry.decoded[mechanism];
    if (!secret) {
      const credential = entry.scram[mechanism] ?? (entry.token !== null ? deriveScramCredential(mechanism, entry.token) : undefined);
      if (!credential) return null;
      entry.scram[mechanism] = credential;
      secret = entry.decoded[mechanism] = decode(credential);
    }
    return { principal: entry.principal, secret };
  }
}
