/**
 * Options of the web console ({@link createConsoleApp}) and their resolved form. Every limit
 * comes from `core/limits.ts` (the `console*` section); options only override them.
 */
import type { Clock } from "../core/clock.ts";
import { systemClock } from "../core/clock.ts";
import { type Limits, resolveLimits } from "../core/limits.ts";

/** Options of {@link createConsoleApp}. */
export interface ConsoleOptions {
  /** Where the host mounts the console (default `/console`): links and asset URLs start with it. */
  basePath?: string;
  /**
   * Whether the host authenticates requests (an auth file is in use). With it on, every data
   * call needs the principal the host sets; a request without one is refused with 401 even if
   * the host let it through as public.
   */
  authRequired?: boolean;
  /** Overrides of the limits in `core/limits.ts`. */
  limits?: Partial<Limits>;
  /** Time source for rates, lag in seconds and the lag sampler. */
  clock?: Clock;
  /** Aborting it stops the lag sampler (server shutdown). */
  signal?: AbortSignal;
}

/** {@link ConsoleOptions} with defaults filled in. */
export interface ResolvedConsoleOptions {
  basePath: string;
  authRequired: boolean;
  limits: Limits;
  clock: Clock;
  signal: AbortSignal;
}

/**
 * Fills in defaults and checks the options.
 *
 * @throws {TypeError} on a base path that is not `/` followed by a plain path, or a bad limit
 */
export function resolveConsoleOptions(options: ConsoleOptions = {}): ResolvedConsoleOptions {
  const basePath = options.basePath ?? "/console";
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath)) throw new TypeError(`basePath must look like /console, got ${JSON.stringify(basePath)}`);
  return {
    basePath,
    authRequired: options.authRequired ?? false,
    limits: resolveLimits(options.limits),
    clock: options.clock ?? systemClock,
    signal: options.signal ?? new AbortController().signal,
  };
}
