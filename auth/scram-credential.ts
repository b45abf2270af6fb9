/**
 * SCRAM credentials (RFC 5802, RFC 7677): what a server keeps instead of the password. For a
 * password, salt and iteration count: SaltedPassword = PBKDF2(HMAC-H, password, salt, i);
 * StoredKey = H(HMAC(SaltedPassword, "Client Key")); ServerKey = HMAC(SaltedPassword,
 * "Server Key"). The password is normalized as SASLprep would for ASCII (used as is).
 */
import { Buffer } from "node:buffer";
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

/** The SCRAM mechanisms Rivulet speaks. */
export const scramMechanisms = ["SCRAM-SHA-256", "SCRAM-SHA-512"] as const;
export type ScramMechanism = (typeof scramMechanisms)[number];

/** A SCRAM credential as the auth file holds it (base64 fields). */
export interface ScramCredential {
  salt: string;
  iterations: number;
  stored_key: string;
  server_key: string;
}

/** Default PBKDF2 iteration count of derived credentials. */
export const scramIterationsDefault = 4096;

/** The hash function name of a mechanism, as `node:crypto` spells it. */
export function scramHash(mechanism: ScramMechanism): "sha256" | "sha512" {
  return mechanism === "SCRAM-SHA-256" ? "sha256" : "sha512";
}

/** HMAC of `data` under `key` with the mechanism's hash. */
export function scramHmac(mechanism: ScramMechanism, key: Uint8Array, data: Uint8Array | string): Uint8Array {
  return createHmac(scramHash(mechanism), key).update(data).digest();
}

/** The mechanism's hash of `data`. */
export function scramDigest(mechanism: ScramMechanism, data: Uint8Array): Uint8Array {
  return createHash(scramHash(mechanism)).update(data).digest();
}

/**
 * Derives the credential a server stores for `password`.
 *
 * @param mechanism SCRAM-SHA-256 or SCRAM-SHA-512
 * @param password the secret in clear
 * @param salt the salt (default: 32 random bytes)
 * @param iterations PBKDF2 iterations (default 4096)
 * @example
 * ```ts
 * const credential = deriveScramCredential("SCRAM-SHA-512", "ops-secret-123");
 * ```
 */
export function deriveScramCredential(
  mechanism: ScramMechanism,
  password: string,
  salt: Uint8Array = randomBytes(32),
  iterations = scramIterationsDefault,
): ScramCredential {
  const hash = scramHash(mechanism);
  const keyBytes = hash === "sha256" ? 32 : 64;
  const salted = pbkdf2Sync(password, salt, iterations, keyBytes, hash);
  const clientKey = scramHmac(mechanism, salted, "Client Key");
  return {
    salt: Buffer.from(salt).toString("base64"),
    iterations,
    stored_key: Buffer.from(scramDigest(mechanism, clientKey)).toString("base64"),
    server_key: Buffer.from(scramHmac(mechanism, salted, "Server Key")).toString("base64"),
  };
}

/** Hex SHA-256 of a token: how a pre-hashed auth file entry holds its bearer/PLAIN secret. */
export function tokenSha256(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
