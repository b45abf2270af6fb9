/**
 * SASL PLAIN (RFC 4616), server side: one client token `[authzid] NUL authcid NUL passwd` in
 * UTF-8; the user is the principal's name and the password its token, checked by
 * {@link Authenticator.plain} in constant time. The authzid must be empty or the user itself
 * (acting as another principal is not offered). Success answers an empty token.
 */
import type { Authenticator } from "../../auth/authenticator.ts";
import type { SaslExchange, SaslStep } from "./sasl-exchange.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The reason given for a wrong password and an unknown user alike. */
export const plainInvalidCredentials = "invalid user name or password";

/** PLAIN's one-step exchange; not thread-safe. */
export class PlainExchange implements SaslExchange {
  readonly #authenticator: Authenticator;
  #done = false;

  constructor(authenticator: Authenticator) {
    this.#authenticator = authenticator;
  }

  step(token: Uint8Array): SaslStep {
    if (this.#done) return { kind: "failure", reason: "PLAIN exchange already ended" };
    this.#done = true;
    let text: string;
    try {
      text = utf8.decode(token);
    } catch {
      return { kind: "failure", reason: "PLAIN message is not valid UTF-8" };
    }
    const parts = text.split("\0");
    if (parts.length !== 3) return { kind: "failure", reason: "malformed PLAIN message" };
    const [authzid, user, password] = parts as [string, string, string];
    if (user === "" || password === "") return { kind: "failure", reason: "malformed PLAIN message" };
    if (authzid !== "" && authzid !== user) return { kind: "failure", reason: "PLAIN authorization id must be empty or the user name" };
    const principal = this.#authenticator.plain(user, password);
    if (!principal) return { kind: "failure", reason: plainInvalidCredentials };
    return { kind: "success", token: new Uint8Array(0), principal };
  }
}
