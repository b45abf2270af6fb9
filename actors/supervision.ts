import { type Clock, systemClock } from "../core/clock.ts";
import { defaultLimits } from "../core/limits.ts";
import type { ActorStatus } from "./actor-ref.ts";

/** What {@link SupervisionOptions.onStatus} is told besides the new status. */
export interface StatusDetail {
  /** Restarts within the current window. */
  restarts: number;
  /** The crash that caused a `restarting` or `failed` status. */
  error?: Error;
}

/**
 * How an actor is restarted when it crashes. Defaults come from `core/limits.ts`.
 *
 * @example
 * ```ts
 * const ref = spawn("flaky", () => new Flaky(), {
 *   supervision: { maxRestarts: 3, windowMs: 10_000, backoffMinMs: 5, backoffMaxMs: 100,
 *     onStatus: (status, { restarts, error }) => console.log(status, restarts, error?.message) },
 * });
 * ```
 */
export interface SupervisionOptions {
  /** Restarts allowed within `windowMs`; one more and the actor is `failed`. Default `restartsInWindowMax`. */
  maxRestarts?: number;
  /** The sliding window restarts are counted in. Default `restartWindowMs`. */
  windowMs?: number;
  /** Delay before the first restart in a window; it doubles with each further one. Default `restartBackoffMinMs`. */
  backoffMinMs?: number;
  /** Ceiling of the restart delay. Default `restartBackoffMaxMs`. */
  backoffMaxMs?: number;
  /** Called on every status change. */
  onStatus?(status: ActorStatus, detail: StatusDetail): void;
}

/** The decision after a crash: restart after a delay, or give up. */
export type RestartDecision = { type: "restart"; delayMs: number; restarts: number } | { type: "fail"; restarts: number };

/**
 * Counts crashes in a sliding window and turns each into a {@link RestartDecision} with
 * exponential backoff. Not thread-safe (one per actor ref).
 *
 * @example
 * ```ts
 * const policy = new RestartPolicy({ maxRestarts: 2, backoffMinMs: 10, backoffMaxMs: 25 });
 * policy.onCrash(); // { type: "restart", delayMs: 10, restarts: 1 }
 * policy.onCrash(); // { type: "restart", delayMs: 20, restarts: 2 }
 * policy.onCrash(); // { type: "fail", restarts: 3 }
 * ```
 */
export class RestartPolicy {
  readonly #maxRestarts: number;
  readonly #windowMs: number;
  readonly #backoffMinMs: number;
  readonly #backoffMaxMs: number;
  readonly #clock: Clock;
  #crashesAtMs: number[] = [];

  /**
   * @param options supervision options (limits fill the gaps)
   * @param clock time source for the window
   * @throws {TypeError} when the options contradict each other
   */
  constructor(options: SupervisionOptions = {}, clock: Clock = systemClock) {
    this.#maxRestarts = options.maxRestarts ?? defaultLimits.restartsInWindowMax;
    this.#windowMs = options.windowMs ?? defaultLimits.restartWindowMs;
    this.#backoffMinMs = options.backoffMinMs ?? defaultLimits.restartBackoffMinMs;
    this.#backoffMaxMs = options.backoffMaxMs ?? defaultLimits.restartBackoffMaxMs;
    this.#clock = clock;
    if (!(this.#maxRestarts >= 0)) throw new TypeError("maxRestarts must be 0 or more");
    if (!(this.#windowMs > 0)) throw new TypeError("windowMs must be positive");
    if (!(this.#backoffMinMs >= 0 && this.#backoffMinMs <= this.#backoffMaxMs)) {
      throw new TypeError("backoffMinMs must be between 0 and backoffMaxMs");
    }
  }

  /** Restarts counted in the current window. */
  get restarts(): number {
    this.#forgetOld();
    return this.#crashesAtMs.length;
  }

  /** Records a crash and decides what follows. */
  onCrash(): RestartDecision {
    this.#forgetOld();
    this.#crashesAtMs.push(this.#clock.now());
    const restarts = this.#crashesAtMs.length;
    if (restarts > this.#maxRestarts) return { type: "fail", restarts };
    const delayMs = Math.min(this.#backoffMaxMs, this.#backoffMinMs * 2 ** (restarts - 1));
    return { type: "restart", delayMs, restarts };
  }

  #forgetOld(): void {
    const horizon = this.#clock.now() - this.#windowMs;
    while (this.#crashesAtMs.length > 0 && this.#crashesAtMs[0] <= horizon) this.#crashesAtMs.shift();
  }
}
