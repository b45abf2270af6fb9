/**
 * The server side of one SCRAM conversation (RFC 5802, RFC 7677), for SCRAM-SHA-256 and
 * SCRAM-SHA-512, without channel binding:
 *
 * ```
 * C: n,,n=user,r=<cnonce>                           client-first (gs2 header + bare)
 * S: r=<cnonce><snonce>,s=<base64 salt>,i=<iterations>   server-first
 * C: c=biws,r=<cnonce><snonce>,p=<base64 proof>      client-final
 * S: v=<base64 ServerSignature>                      server-final
 * ```
 *
 * The proof is checked as the RFC says: ClientKey = proof XOR HMAC(StoredKey, AuthMessage) and
 * H(ClientKey) must equal StoredKey (compared in constant time), where AuthMessage =
 * client-first-bare "," server-first "," client-final-without-proof. User names arrive with
 * "," and "=" escaped as "=2C" and "=3D"; any other "=" fails.
 *
 * librdkafka (kcat, confluent-kafka clients, up to at least 2.x) repeats the client nonce in its
 * client-final `r=` (client nonce + the server-first nonce); Kafka accepts that form, and so
 * does this server: exactly the server-first nonce, or the client nonce followed by it. Either
 * way the fresh server nonce is in the proven AuthMessage.
 *
 * A user that does not exist (or has no credential for the mechanism) gets a server-first
 * message like any other: its salt is an HMAC of the name under a key random per process, so
 * asking twice gives the same salt, and the conversation then fails at the proof, the same way
 * and with the same reason as a wrong password. Whether a name exists does not leak.
 *
 * Failure reasons name what was wrong with the message, never a secret or the proof. One
 * instance per conversation; not thread-safe.
 */
import { Buffer } from "node:buffer";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { ScramSecret } from "./authenticator.ts";
import type { Principal } from "./rights.ts";
import { scramDigest, scramHmac, scramIterationsDefault, type ScramMechanism } from "./scram-credential.ts";

/** Finds the credential of a user for this conversation's mechanism, or null. */
export type ScramLookup = (name: string) => { principal: Principal; secret: ScramSecret } | null;

/** What one step of the conversation produced. */
export type ScramStep =
  | { kind: "challenge"; message: string }
  | { kind: "success"; message: string; principal: Principal }
  | { kind: "failure"; reason: string };

/** Options of {@link ScramServer}. */
export interface ScramServerOptions {
  /** The server's part of the nonce (default: 24 random bytes, base64). For test vectors. */
  serverNonce?: string;
}

type State =
  | { kind: "awaiting-client-first" }
  | {
    kind: "awaiting-client-final";
    gs2Header: string;
    clientFirstBare: string;
    serverFirst: string;
    clientNonce: string;
    nonce: string;
    /** null for an unknown user: the proof is checked against random keys and fails. */
    user: { principal: Principal; secret: ScramSecret } | null;
    fake: ScramSecret;
  }
  | { kind: "done" };

/** The reason given for a wrong password and an unknown user alike. */
export const scramInvalidCredentials = "invalid credentials";

/** Key of the fake salts of unknown users: random per process, so they look stable. */
const fakeSaltKey = randomBytes(32);

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** RFC 5802 `printable`: %x21-2B / %x2D-7E. */
const noncePattern = /^[\x21-\x2b\x2d-\x7e]+$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

function hashBytes(mechanism: ScramMechanism): number {
  return mechanism === "SCRAM-SHA-256" ? 32 : 64;
}

/** RFC 5802 saslname → user name; null when an "=" is not "=2C" or "=3D". */
export function decodeSaslName(text: string): string | null {
  if (/=(?!2C|3D)/.test(text)) return null;
  return text.replace(/=2C/g, ",").replace(/=3D/g, "=");
}

/** User name → RFC 5802 saslname ("=" → "=3D", "," → "=2C"). */
export function encodeSaslName(name: string): string {
  return name.replace(/=/g, "=3D").replace(/,/g, "=2C");
}

function fakeSecret(mechanism: ScramMechanism, name: string): ScramSecret {
  const salt = createHmac("sha256", fakeSaltKey).update(`${mechanism}\0${name}`).digest();
  const bytes = hashBytes(mechanism);
  return { salt, iterations: scramIterationsDefault, storedKey: randomBytes(bytes), serverKey: randomBytes(bytes) };
}

/** The server side of one SCRAM conversation; see the module doc. */
export class ScramServer {
  readonly #mechanism: ScramMechanism;
  readonly #lookup: ScramLookup;
  readonly #serverNonce: string | undefined;
  #state: State = { kind: "awaiting-client-first" };

  /**
   * @param mechanism SCRAM-SHA-256 or SCRAM-SHA-512
   * @param lookup finds a user's credential for `mechanism`
   * @param options the server nonce, for test vectors
   * @example
   * ```ts
   * const scram = new ScramServer("SCRAM-SHA-512", (name) => authenticator.scram(name, "SCRAM-SHA-512"));
   * const first = scram.step("n,,n=ops,r=abc"); // { kind: "challenge", message: "r=abc…,s=…,i=4096" }
   * ```
   */
  constructor(mechanism: ScramMechanism, lookup: ScramLookup, options: ScramServerOptions = {}) {
    this.#mechanism = mechanism;
    this.#lookup = lookup;
    this.#serverNonce = options.serverNonce;
  }

  /** True once the conversation has succeeded or failed: every further step fails. */
  get done(): boolean {
    return this.#state.kind === "done";
  }

  /**
   * Takes the client's next message.
   *
   * @param message client-first, then client-final (bytes are read as strict UTF-8)
   * @returns the server's answer: a challenge (server-first), success (server-final) or failure
   */
  step(message: string | Uint8Array): ScramStep {
    const state = this.#state;
    this.#state = { kind: "done" };
    let text: string;
    try {
      text = typeof message === "string" ? message : utf8.decode(message);
    } catch {
      return { kind: "failure", reason: "SCRAM message is not valid UTF-8" };
    }
    switch (state.kind) {
      case "awaiting-client-first":
        return this.#clientFirst(text);
      case "awaiting-client-final":
        return this.#clientFinal(state, text);
      case "done":
        return { kind: "failure", reason: "SCRAM conversation already ended" };
      default:
        return state satisfies never;
    }
  }

  #clientFirst(text: string): ScramStep {
    const firstComma = text.indexOf(",");
    const secondComma = firstComma < 0 ? -1 : text.indexOf(",", firstComma + 1);
    if (secondComma < 0) return { kind: "failure", reason: "malformed SCRAM client-first message" };
    const flag = text.slice(0, firstComma);
    const authzidField = text.slice(firstComma + 1, secondComma);
    const bare = text.slice(secondComma + 1);
    if (flag.startsWith("p=")) return { kind: "failure", reason: "SCRAM channel binding is not supported" };
    if (flag !== "n" && flag !== "y") return { kind: "failure", reason: "malformed SCRAM gs2 header" };
    const [userField, nonceField] = bare.split(",", 2);
    if (userField?.startsWith("m=")) return { kind: "failure", reason: "SCRAM mandatory extensions are not supported" };
    if (!userField?.startsWith("n=") || !nonceField?.startsWith("r=")) return { kind: "failure", reason: "malformed SCRAM client-first message" };
    const name = decodeSaslName(userField.slice(2));
    const clientNonce = nonceField.slice(2);
    if (name === null || name === "") return { kind: "failure", reason: "malformed SCRAM user name" };
    if (!noncePattern.test(clientNonce)) return { kind: "failure", reason: "malformed SCRAM nonce" };
    if (authzidField !== "") {
      const authzid = authzidField.startsWith("a=") ? decodeSaslName(authzidField.slice(2)) : null;
      if (authzid !== name) return { kind: "failure", reason: "SCRAM authorization id must be empty or the user name" };
    }
    const user = this.#lookup(name);
    const fake = fakeSecret(this.#mechanism, name);
    const secret = user?.secret ?? fake;
    const nonce = clientNonce + (this.#serverNonce ?? randomBytes(24).toString("base64"));
    const serverFirst = `r=${nonce},s=${Buffer.from(secret.salt).toString("base64")},i=${secret.iterations}`;
    this.#state = { kind: "awaiting-client-final", gs2Header: text.slice(0, secondComma + 1), clientFirstBare: bare, serverFirst, clientNonce, nonce, user, fake };
    return { kind: "challenge", message: serverFirst };
  }

  #clientFinal(state: Extract<State, { kind: "awaiting-client-final" }>, text: string): ScramStep {
    const proofAt = text.lastIndexOf(",p=");
    if (proofAt < 0) return { kind: "failure", reason: "malformed SCRAM client-final message" };
    const withoutProof = text.slice(0, proofAt);
    const proofText = text.slice(proofAt + 3);
    const [binding, nonceField] = withoutProof.split(",", 2);
    if (!binding?.startsWith("c=") || !nonceField?.startsWith("r=")) return { kind: "failure", reason: "malformed SCRAM client-final message" };
    if (binding.slice(2) !== Buffer.from(state.gs2Header).toString("base64")) return { kind: "failure", reason: "SCRAM channel binding does not match the gs2 header" };
    const nonce = nonceField.slice(2);
    if (nonce !== state.nonce && nonce !== state.clientNonce + state.nonce) return { kind: "failure", reason: "SCRAM nonce does not match" };
    if (!base64Pattern.test(proofText)) return { kind: "failure", reason: "malformed SCRAM proof" };
    const proof = Buffer.from(proofText, "base64");
    const mechanism = this.#mechanism;
    if (proof.length !== hashBytes(mechanism)) return { kind: "failure", reason: "malformed SCRAM proof" };
    const secret = state.user?.secret ?? state.fake;
    const authMessage = `${state.clientFirstBare},${state.serverFirst},${withoutProof}`;
    const clientSignature = scramHmac(mechanism, secret.storedKey, authMessage);
    const clientKey = proof.map((byte, i) => byte ^ clientSignature[i]!);
    const storedKey = scramDigest(mechanism, clientKey);
    const valid = storedKey.length === secret.storedKey.length && timingSafeEqual(storedKey, secret.storedKey);
    if (!valid || state.user === null) return { kind: "failure", reason: scramInvalidCredentials };
    const serverSignature = scramHmac(mechanism, secret.serverKey, authMessage);
    return { kind: "success", message: `v=${Buffer.from(serverSignature).toString("base64")}`, principal: state.user.principal };
  }
}
