/**
 * Who is asking, for one HTTP request: the bearer token of its `Authorization` header, turned
 * into a principal by the server's {@link Authenticator}. A refusal is counted for its door and
 * answered late, after the delay the shared failure throttle gives the client's address
 * (`authFailure*` limits in `core/limits.ts`), so guessing tokens from one address stays slow.
 * The address comes from the runtime adapter's socket, never from a request header.
 */
import type { AuthDoor } from "../auth/auth-failures.ts";
import type { Authenticator } from "../auth/authenticator.ts";
import type { Principal } from "../auth/rights.ts";
import { pause } from "../core/abortable.ts";
import { type AppContext, clientAddress } from "./context.ts";

/**
 * The request's principal.
 *
 * @param c the request's context
 * @param auth the server's authenticator
 * @param door the metrics label failures are counted under
 * @returns the principal of a valid bearer token
 * @throws {RivuletError} `unauthorized` (after the throttle's delay) when the token is missing,
 *   malformed or unknown; its message never contains the presented value
 * @example
 * ```ts
 * const principal = await authenticateRequest(c, auth, "http");
 * ```
 */
export async function authenticateRequest(c: AppContext, auth: Authenticator, door: AuthDoor): Promise<Principal> {
  try {
    return auth.bearer(c.req.header("authorization"));
  } catch (error) {
    await pause(auth.failures.record(door, clientAddress(c)), c.req.raw.signal);
    throw error;
  }
}
