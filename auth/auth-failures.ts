/**
 * Failed authentications: counted per door (exported in `/metrics`) and slowed per client
 * address. An address's n-th failure within `authFailureWindowMs` of its previous one is
 * answered after `authFailureDelayMinMs · 2^(n-1)` ms, at most `authFailureDelayMaxMs`; at most
 * `authFailureAddressesMax` addresses are tracked (the least recent are forgotten first), so
 * memory stays bounded whatever the number of clients. Successful authentications are never
 * delayed. Not thread-safe; lives on the main thread.
 */
import type { Clock } from "../core/clock.ts";
import { systemClock } from "../core/clock.ts";
import type { Limits } from "../core/limits.ts";

/** Which door a failure happened at (a metrics label). */
export type AuthDoor = "http" | "kafka" | "durable_streams" | "console";

interface Strikes {
  count: number;
  lastMs: number;
}

/** Counts failed authentications and says how long to delay each; see the module doc. */
export class AuthFailures {
  readonly #limits: Pick<Limits, "authFailureDelayMinMs" | "authFailureDelayMaxMs" | "authFailureWindowMs" | "authFailureAddressesMax">;
  readonly #clock: Clock;
  readonly #byAddress = new Map<string, Strikes>();
  readonly #byDoor = new Map<AuthDoor, number>();

  constructor(limits: Limits, clock: Clock = systemClock) {
    this.#limits = limits;
    this.#clock = clock;
  }

  /**
   * Records a failure and says how long to wait before answering it.
   *
   * @param door where it happened
   * @param address the client's address (IP), or "" when unknown
   * @returns the delay in ms
   */
  record(door: AuthDoor, address: string): number {
    this.#byDoor.set(door, (this.#byDoor.get(door) ?? 0) + 1);
    const now = this.#clock.now();
    const limits = this.#limits;
    const previous = this.#byAddress.get(address);
    const count = previous && now - previous.lastMs < limits.authFailureWindowMs ? previous.count + 1 : 1;
    this.#byAddress.delete(address);
    if (this.#byAddress.size >= limits.authFailureAddressesMax) this.#byAddress.delete(this.#byAddress.keys().next().value!);
    this.#byAddress.set(address, { count, lastMs: now });
    return Math.min(limits.authFailureDelayMaxMs, limits.authFailureDelayMinMs * 2 ** Math.min(count - 1, 30));
  }

  /** Records a failure and resolves once its delay has passed. */
  async wait(door: AuthDoor, address: string): Promise<void> {
    const ms = this.record(door, address);
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Failures so far per door. */
  get counts(): ReadonlyMap<AuthDoor, number> {
    return this.#byDoor;
  }

  /** Addresses currently tracked. */
  get trackedAddresses(): number {
    return this.#byAddress.size;
  }
}
