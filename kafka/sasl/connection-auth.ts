/**
 * Where one Kafka connection stands with SASL, as a small state machine over a tagged union:
 *
 * ```
 * unauthenticated ──SaslHandshake(known mechanism)──▶ exchanging ──last token ok──▶ authenticated
 *        │                                              │
 *        └──unknown mechanism, SaslAuthenticate──▶ failed ◀──bad token, wrong credentials
 * ```
 *
 * - `unauthenticated`: only ApiVersions and SaslHandshake are answered. A handshake for a
 *   mechanism that is not enabled gets UNSUPPORTED_SASL_MECHANISM (33) with the enabled list,
 *   then the connection closes; SaslAuthenticate before a handshake gets ILLEGAL_SASL_STATE (34)
 *   and the connection closes.
 * - `exchanging`: after handshake v1 the tokens come in SaslAuthenticate requests (`framing:
 *   "kafka"`), and nothing else is answered; after handshake v0 the next frames are raw tokens
 *   (`framing: "raw"`: an int32 size and the token, no Kafka header), answered in kind.
 * - `authenticated`: every request goes to its handler with the principal.
 * - `failed`: nothing more is answered; the connection closes once the answers before are out.
 *
 * A failed exchange is recorded with `authenticator.failures` (door "kafka", the client's
 * address), which says how long to delay the answer. Every transition happens synchronously
 * while a frame is dispatched, so pipelined frames see the state in arrival order. One instance
 * per connection; not thread-safe.
 */
import type { Authenticator } from "../../auth/authenticator.ts";
import type { Principal } from "../../auth/rights.ts";
import { apiKeys } from "../protocol/api-keys.ts";
import { kafkaErrors } from "../protocol/error-codes.ts";
import { isSaslMechanism, saslMechanisms, startSaslExchange, type SaslExchange, type SaslMechanism } from "./sasl-exchange.ts";

/** The connection's SASL state. */
export type SaslState =
  | { kind: "unauthenticated" }
  | { kind: "exchanging"; mechanism: SaslMechanism; framing: "kafka" | "raw"; exchange: SaslExchange }
  | { kind: "authenticated"; mechanism: SaslMechanism; principal: Principal }
  | { kind: "failed" };

/** The answer to a SaslHandshake; `close` = close the connection once it is written. */
export interface HandshakeOutcome {
  errorCode: number;
  mechanisms: string[];
  close: boolean;
}

/** What a client token led to. */
export type TokenOutcome =
  | { kind: "challenge"; token: Uint8Array }
  | { kind: "success"; token: Uint8Array; principal: Principal }
  /** Answer with `errorCode` and `message` after `delayMs`, then close. */
  | { kind: "failure"; errorCode: number; message: string; delayMs: number };

/** The per-connection SASL state machine; see the module doc. */
export class ConnectionAuth {
  readonly #authenticator: Authenticator;
  readonly #clientAddress: string;
  #state: SaslState = { kind: "unauthenticated" };

  /**
   * @param authenticator the server's principals and failure throttle
   * @param clientAddress the client's IP address (the failure throttle's key)
   */
  constructor(authenticator: Authenticator, clientAddress: string) {
    this.#authenticator = authenticator;
    this.#clientAddress = clientAddress;
  }

  get state(): SaslState {
    return this.#state;
  }

  /** The authenticated principal, or null before (and after a failure). */
  get principal(): Principal | null {
    return this.#state.kind === "authenticated" ? this.#state.principal : null;
  }

  /** True while the next frame is a raw SASL token (after a v0 handshake). */
  get expectsRawToken(): boolean {
    return this.#state.kind === "exchanging" && this.#state.framing === "raw";
  }

  /**
   * Whether a request of `apiKey` may be answered now; when not, the connection must close.
   * Refusing one moves the state to `failed`.
   */
  admits(apiKey: number): boolean {
    const state = this.#state;
    let admitted: boolean;
    switch (state.kind) {
      case "unauthenticated":
        admitted = apiKey === apiKeys.ApiVersions || apiKey === apiKeys.SaslHandshake || apiKey === apiKeys.SaslAuthenticate;
        break;
      case "exchanging":
        admitted = state.framing === "kafka" && apiKey === apiKeys.SaslAuthenticate;
        break;
      case "authenticated":
        admitted = true;
        break;
      case "failed":
        admitted = false;
        break;
      default:
        return state satisfies never;
    }
    if (!admitted) this.#state = { kind: "failed" };
    return admitted;
  }

  /**
   * Takes a SaslHandshake while unauthenticated.
   *
   * @param mechanism the mechanism the client asks for
   * @param version the request's version: 0 = raw tokens follow, 1 = SaslAuthenticate
   */
  handshake(mechanism: string, version: number): HandshakeOutcome {
    const enabled = [...saslMechanisms];
    if (this.#state.kind !== "unauthenticated") {
      this.#state = { kind: "failed" };
      return { errorCode: kafkaErrors.ILLEGAL_SASL_STATE, mechanisms: enabled, close: true };
    }
    if (!isSaslMechanism(mechanism)) {
      this.#state = { kind: "failed" };
      return { errorCode: kafkaErrors.UNSUPPORTED_SASL_MECHANISM, mechanisms: enabled, close: true };
    }
    const exchange = startSaslExchange(mechanism, this.#authenticator);
    this.#state = { kind: "exchanging", mechanism, framing: version === 0 ? "raw" : "kafka", exchange };
    return { errorCode: kafkaErrors.NONE, mechanisms: enabled, close: false };
  }

  /**
   * Takes the client's next SASL token (from a SaslAuthenticate request or a raw frame).
   *
   * @param token the token's bytes
   * @returns the server's token, or a failure to report (delayed) before closing
   */
  token(token: Uint8Array): TokenOutcome {
    const state = this.#state;
    if (state.kind !== "exchanging") {
      this.#state = { kind: "failed" };
      const message = state.kind === "authenticated" ? "the connection has already authenticated" : "SaslAuthenticate before a SaslHandshake";
      return { kind: "failure", errorCode: kafkaErrors.ILLEGAL_SASL_STATE, message, delayMs: 0 };
    }
    const step = state.exchange.step(token);
    switch (step.kind) {
      case "challenge":
        return step;
      case "success":
        this.#state = { kind: "authenticated", mechanism: state.mechanism, principal: step.principal };
        return step;
      case "failure": {
        this.#state = { kind: "failed" };
        const delayMs = this.#authenticator.failures.record("kafka", this.#clientAddress);
        const message = `authentication failed with SASL mechanism ${state.mechanism}: ${step.reason}`;
        return { kind: "failure", errorCode: kafkaErrors.SASL_AUTHENTICATION_FAILED, message, delayMs };
      }
      default:
        return step satisfies never;
    }
  }
}
