/**
 * What the console's API routes share, and who is asking: the principal the host
 * authenticated, checked again here so that no data is served without one when auth is on.
 */
import type { Context } from "hono";
import type { BrokerApi } from "../broker/types.ts";
import type { Principal } from "../auth/rights.ts";
import { RivuletError } from "../core/errors.ts";
import type { LagSampler } from "./lag-sampler.ts";
import type { ResolvedConsoleOptions } from "./options.ts";
import type { RateMeter } from "./rate-meter.ts";

/**
 * Hono's environment of the console app: the principal its host sets (absent when auth is off,
 * and on the public shell and assets).
 */
export interface ConsoleEnv {
  Variables: { principal?: Principal | null };
}

/** The console app's context object. */
export type ConsoleContext = Context<ConsoleEnv>;

/** Shared state of one console app. */
export interface ConsoleState {
  broker: BrokerApi;
  options: ResolvedConsoleOptions;
  sampler: LagSampler;
  rates: RateMeter;
}

/**
 * The request's principal: null when auth is off (everything allowed).
 *
 * @throws {RivuletError} `unauthorized` when auth is on and the host set no principal
 */
export function principalOf(c: ConsoleContext, state: ConsoleState): Principal | null {
  const principal = c.get("principal");
  if (principal) return principal;
  if (state.options.authRequired) throw new RivuletError("unauthorized", "a bearer token is required");
  return null;
}
