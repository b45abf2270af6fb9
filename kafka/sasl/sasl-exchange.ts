/**
 * One SASL mechanism's server side, as the Kafka listener drives it: client tokens in, server
 * tokens out, until success or failure. Mechanisms: PLAIN (RFC 4616) and SCRAM-SHA-256 /
 * SCRAM-SHA-512 (RFC 5802, RFC 7677). Credentials come from the shared {@link Authenticator}.
 */
import type { Authenticator } from "../../auth/authenticator.ts";
import type { Principal } from "../../auth/rights.ts";
import { ScramServer } from "../../auth/scram-server.ts";
import { PlainExchange } from "./plain-exchange.ts";

/** The mechanisms the listener enables, in the order SaslHandshake lists them. */
export const saslMechanisms = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;
export type SaslMechanism = (typeof saslMechanisms)[number];

/** What one client token produced. */
export type SaslStep =
  | { kind: "challenge"; token: Uint8Array }
  | { kind: "success"; token: Uint8Array; principal: Principal }
  | { kind: "failure"; reason: string };

/** The server side of one mechanism's exchange. */
export interface SaslExchange {
  /** Takes the client's next token. After success or failure every further step fails. */
  step(token: Uint8Array): SaslStep;
}

/** Whether `name` is an enabled mechanism (names are case-sensitive, as in Kafka). */
export function isSaslMechanism(name: string): name is SaslMechanism {
  return (saslMechanisms as readonly string[]).includes(name);
}

const encoder = new TextEncoder();

/** Adapts the (Kafka-agnostic) SCRAM conversation to token bytes. */
class ScramExchange implements SaslExchange {
  readonly #server: ScramServer;

  constructor(server: ScramServer) {
    this.#server = server;
  }

  step(token: Uint8Array): SaslStep {
    const step = this.#server.step(token);
    if (step.kind === "failure") return step;
    return step.kind === "challenge" ? { kind: "challenge", token: encoder.encode(step.message) } : { kind: "success", token: encoder.encode(step.message), principal: step.principal };
  }
}

/**
 * Starts the server side of `mechanism`'s exchange.
 *
 * @param mechanism an enabled mechanism
 * @param authenticator where credentials come from
 * @returns a fresh exchange
 * @example
 * ```ts
 * const exchange = startSaslExchange("PLAIN", authenticator);
 * exchange.step(new TextEncoder().encode("\0ops\0ops-secret-123")); // { kind: "success", … }
 * ```
 */
export function startSaslExchange(mechanism: SaslMechanism, authenticator: Authenticator): SaslExchange {
  if (mechanism === "PLAIN") return new PlainExchange(authenticator);
  return new ScramExchange(new ScramServer(mechanism, (name) => authenticator.scram(name, mechanism)));
}
