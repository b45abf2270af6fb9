/**
 * SASL and TLS test helpers: principals for an auth file, a self-signed certificate made by
 * openssl, a SCRAM client written from RFC 5802 §3 (to drive the server over raw sockets), and
 * kafkajs clients with `sasl` / `ssl`. Tests only.
 */
import { Buffer } from "node:buffer";
import { execFileSync } from "node:child_process";
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel, type SASLOptions } from "kafkajs";
import type { AuthConfig } from "../../../auth/auth-config.ts";
import { scramDigest, scramHmac, type ScramMechanism } from "../../../auth/scram-credential.ts";

/** An admin (every topic and group) and a reader (read on `pay*` only), with clear-text tokens. */
export const saslPrincipals: AuthConfig = {
  tokens: [
    { name: "ops", token: "ops-secret-123", rights: [{ access: "admin", topics: "*" }, { access: "read", groups: "*" }] },
    { name: "reader", token: "reader-secret-1", rights: [{ access: "read", topics: "pay*" }, { access: "read", groups: "readers*" }] },
  ],
};

/** A certificate for 127.0.0.1 and its key (PEM), or null when openssl is missing. */
export function selfSignedCert(): { cert: string; key: string } | null {
  const dir = mkdtempSync(join(tmpdir(), "rivulet-kafka-tls-"));
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
    return { cert: readFileSync(join(dir, "cert.pem"), "utf8"), key: readFileSync(join(dir, "key.pem"), "utf8") };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The client side of a SCRAM conversation, from RFC 5802 §3. */
export class ScramClient {
  readonly #mechanism: ScramMechanism;
  readonly #password: string;
  readonly bare: string;
  readonly gs2Header: string;
  serverSignature = "";

  constructor(mechanism: ScramMechanism, user: string, password: string, nonce = randomBytes(18).toString("base64"), gs2Header = "n,,") {
    this.#mechanism = mechanism;
    this.#password = password;
    this.gs2Header = gs2Header;
    this.bare = `n=${user.replace(/=/g, "=3D").replace(/,/g, "=2C")},r=${nonce}`;
  }

  /** client-first-message */
  first(): string {
    return this.gs2Header + this.bare;
  }

  /** client-final-message for `serverFirst`; remembers the server signature to expect. */
  final(serverFirst: string): string {
    const fields = Object.fromEntries(serverFirst.split(",").map((f) => [f[0], f.slice(2)]));
    const hash = this.#mechanism === "SCRAM-SHA-256" ? "sha256" : "sha512";
    const salted = pbkdf2Sync(this.#password, Buffer.from(fields.s ?? "", "base64"), Number(fields.i), hash === "sha256" ? 32 : 64, hash);
    const clientKey = scramHmac(this.#mechanism, salted, "Client Key");
    const withoutProof = `c=${Buffer.from(this.gs2Header).toString("base64")},r=${fields.r}`;
    const authMessage = `${this.bare},${serverFirst},${withoutProof}`;
    const signature = scramHmac(this.#mechanism, scramDigest(this.#mechanism, clientKey), authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!)).toString("base64");
    this.serverSignature = `v=${Buffer.from(scramHmac(this.#mechanism, scramHmac(this.#mechanism, salted, "Server Key"), authMessage)).toString("base64")}`;
    return `${withoutProof},p=${proof}`;
  }
}

/** kafkajs's names of the SASL mechanisms. */
export const kafkajsMechanisms = ["plain", "scram-sha-256", "scram-sha-512"] as const;

/** kafkajs's `sasl` option for one of {@link kafkajsMechanisms}. */
export function kafkajsSasl(mechanism: (typeof kafkajsMechanisms)[number], username: string, password: string): SASLOptions {
  return { mechanism, username, password } as SASLOptions;
}

/** A kafkajs client for `address` with SASL (and TLS trusting `ca`, when given). */
export function saslKafka(address: string, sasl: SASLOptions | undefined, options: { ca?: string; clientId?: string; retries?: number } = {}): Kafka {
  return new Kafka({
    clientId: options.clientId ?? "rivulet-sasl-test",
    brokers: [address],
    logLevel: logLevel.NOTHING,
    retry: { retries: options.retries ?? 5, initialRetryTime: 50 },
    ...(sasl ? { sasl } : {}),
    ...(options.ca ? { ssl: { ca: [options.ca] } } : {}),
  });
}
