/**
 * A lease kept alive, and the moment it is lost. The keeper renews the lease every
 * `keepAliveMs` and knows the lease is lost:
 * - at once, when a renewal answers with no TTL (etcd has ended the lease: expired or revoked);
 * - when its local deadline passes without a successful renewal. The deadline is the send time
 *   of the last successful renewal plus the TTL that renewal granted: etcd restarted the TTL no
 *   earlier than it received that request, so the local deadline falls no later than etcd's.
 *   A keeper cut off from etcd therefore gives its lease up before etcd can hand what it
 *   guarded (a broker id, the controller key) to someone else.
 * Once lost, the keeper stops; a lease is never "found" again.
 *
 * Renewals are sent every `keepAliveMs` whether or not the one before has answered (up to
 * {@link renewalsInFlightMax} at once): a renewal stuck behind a slow answer, a lost packet or a
 * busy etcd does not hold the next ones back until the deadline (which would fence a healthy
 * broker on a loaded machine); whichever succeeds moves the deadline.
 *
 * Time is measured with `performance.now()` (monotonic: a wall-clock jump neither fences nor
 * prolongs). Concurrency: one keeper per lease; its methods may be called at any time.
 */
import { isRivuletError } from "../../core/errors.ts";
import type { EtcdClient } from "./etcd-client.ts";

/** Why a lease was lost. */
export interface LeaseLoss {
  /** `expired`: etcd said the lease is gone; `unreachable`: no renewal succeeded within the TTL; `closed`: given up on purpose. */
  reason: "expired" | "unreachable" | "closed";
  message: string;
}

/** Renewals of one lease waiting for their answers at once; a tick past it sends none. */
const renewalsInFlightMax = 3;

/** How to keep a lease. */
export interface LeaseKeeperOptions {
  /** TTL to ask for, in ms (rounded up to whole seconds, as etcd grants them). */
  ttlMs: number;
  /** Renewal period in ms; must be below half the TTL so one lost renewal is survived. */
  keepAliveMs: number;
  signal?: AbortSignal;
}

/**
 * A granted lease being kept alive.
 *
 * @example
 * ```ts
 * const keeper = await LeaseKeeper.grant(etcd, { ttlMs: 2_000, keepAliveMs: 500 });
 * await etcd.put({ key: "/default/brokers/1", value: "{}", lease: keeper.id });
 * keeper.lost.then((loss) => console.log("lease lost:", loss.reason));
 * ```
 */
export class LeaseKeeper {
  readonly #client: EtcdClient;
  readonly #keepAliveMs: number;
  /** The lease id (decimal int64). */
  readonly id: string;
  /** The TTL etcd granted, in seconds. */
  readonly ttlSeconds: number;
  /** Resolves once, when the lease is lost or given up. */
  readonly lost: Promise<LeaseLoss>;
  #loss: LeaseLoss | null = null;
  #resolveLost!: (loss: LeaseLoss) => void;
  #deadline: number;
  #deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  #tickTimer: ReturnType<typeof setTimeout> | undefined;
  #inFlight = new Set<AbortController>();
  #renewals = 0;

  private constructor(client: EtcdClient, id: string, ttlSeconds: number, sentAt: number, keepAliveMs: number) {
    this.#client = client;
    this.id = id;
    this.ttlSeconds = ttlSeconds;
    this.#keepAliveMs = keepAliveMs;
    this.lost = new Promise((resolve) => (this.#resolveLost = resolve));
    this.#deadline = sentAt + ttlSeconds * 1000;
    this.#armDeadline();
    this.#schedule();
  }

  /**
   * Grants a lease and starts keeping it alive.
   *
   * @throws {TypeError} when `keepAliveMs` is not below half of `ttlMs`
   * @throws {RivuletError} when etcd does not grant it
   */
  static async grant(client: EtcdClient, options: LeaseKeeperOptions): Promise<LeaseKeeper> {
    if (!(options.keepAliveMs > 0 && options.keepAliveMs * 2 < options.ttlMs)) {
      throw new TypeError(`lease keep-alive period ${options.keepAliveMs} ms must be below half the TTL ${options.ttlMs} ms`);
    }
    const sentAt = performance.now();
    const granted = await client.leaseGrant(Math.ceil(options.ttlMs / 1000), { signal: options.signal });
    const keeper = new LeaseKeeper(client, granted.id, granted.ttlSeconds, sentAt, options.keepAliveMs);
    options.signal?.addEventListener("abort", () => keeper.stop(), { once: true });
    return keeper;
  }

  /** Whether the lease is lost (or given up). */
  get isLost(): boolean {
    return this.#loss !== null;
  }

  /** Successful renewals so far. */
  get renewals(): number {
    return this.#renewals;
  }

  /** Ms left before the local deadline (negative once past). */
  remainingMs(): number {
    return this.#deadline - performance.now();
  }

  /** Stops renewing without revoking: etcd ends the lease when its TTL runs out. */
  stop(): void {
    this.#lose({ reason: "closed", message: `lease ${this.id} given up` });
  }

  /** Stops renewing and ends the lease in etcd now, deleting its keys; an already ended lease is fine. */
  async revoke(): Promise<void> {
    this.stop();
    try {
      await this.#client.leaseRevoke(this.id);
    } catch (error) {
      if (!isRivuletError(error, "not_found")) throw error;
    }
  }

  /** The next tick: a renewal every `keepAliveMs`, not waiting for the ones still in flight. */
  #schedule(): void {
    if (this.#loss) return;
    this.#tickTimer = setTimeout(() => {
      this.#schedule();
      if (this.#inFlight.size < renewalsInFlightMax) void this.#renew();
    }, this.#keepAliveMs);
  }

  async #renew(): Promise<void> {
    if (this.#loss) return;
    const sentAt = performance.now();
    const controller = new AbortController();
    this.#inFlight.add(controller);
    try {
      const answer = await this.#client.leaseKeepAlive(this.id, { signal: controller.signal, timeoutMs: Math.max(1, this.remainingMs()) });
      if (this.#loss) return;
      if (answer.ttlSeconds <= 0) {
        this.#lose({ reason: "expired", message: `etcd has ended lease ${this.id} (expired or revoked)` });
        return;
      }
      this.#renewals++;
      this.#deadline = Math.max(this.#deadline, sentAt + answer.ttlSeconds * 1000);
      this.#armDeadline();
    } catch {
      // A failed renewal is retried at the next tick; the deadline alone decides the loss.
    } finally {
      this.#inFlight.delete(controller);
    }
  }

  #armDeadline(): void {
    clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = setTimeout(() => {
      if (this.remainingMs() > 0) return this.#armDeadline();
      this.#lose({ reason: "unreachable", message: `no renewal of lease ${this.id} succeeded within its ${this.ttlSeconds} s TTL` });
    }, Math.max(0, this.remainingMs()));
  }

  #lose(loss: LeaseLoss): void {
    if (this.#loss) return;
    this.#loss = loss;
    clearTimeout(this.#deadlineTimer);
    clearTimeout(this.#tickTimer);
    for (const controller of this.#inFlight) controller.abort();
    this.#inFlight.clear();
    this.#resolveLost(loss);
  }
}
