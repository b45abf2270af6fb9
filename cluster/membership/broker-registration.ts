/**
 * A broker's membership in a cluster: its key `/<c>/brokers/<id>` → {@link BrokerInfo}, created
 * only if absent and bound to a lease the broker keeps alive ({@link LeaseKeeper}).
 *
 * - **Broker epoch** = the key's create_revision: a new one each time the broker registers,
 *   larger than any before it, so a zombie of an earlier life is told apart (Kafka's broker
 *   epoch, KIP-380).
 * - **One live broker per id**: registration is a txn "create if create_revision is 0"; while
 *   another live lease holds the id, it is refused with `conflict`.
 * - **Fenced**: when the lease is lost (etcd says it ended, or no renewal succeeded within the
 *   TTL) the registration is fenced, at once and for good: `fenced` resolves and listeners run.
 *   A fenced broker must stop acting as controller or leader; to rejoin it registers anew and
 *   gets a new epoch.
 */
import { RivuletError } from "../../core/errors.ts";
import { defaultLimits, type Limits } from "../../core/limits.ts";
import { bytesText } from "../etcd/etcd-bytes.ts";
import type { EtcdClient } from "../etcd/etcd-client.ts";
import type { KeyValue } from "../etcd/etcd-types.ts";
import { LeaseKeeper, type LeaseLoss } from "../etcd/lease-keeper.ts";
import { ClusterKeys } from "./cluster-keys.ts";
import { type BrokerInfo, checkBrokerInfo, parseBrokerInfo } from "./metadata-records.ts";

/** How to register. */
export interface RegisterOptions {
  /** The cluster name (`--cluster-name`, default "default"). */
  cluster?: string;
  broker: BrokerInfo;
  /** Lease TTL and renewal period; default `brokerLeaseTtlMs`, `brokerLeaseKeepAliveMs`. */
  limits?: Partial<Pick<Limits, "brokerLeaseTtlMs" | "brokerLeaseKeepAliveMs">>;
  /**
   * When the id is held, wait up to this long (ms) for the holder's key to go (its lease to run
   * out: a broker restarted faster than its old lease's TTL), then try once more. Default 0.
   */
  waitForIdMs?: number;
  /** Called when the id is found held and the registration starts waiting (to log it). */
  onWaitForId?: (holderEpoch: number) => void;
  signal?: AbortSignal;
}

/** Why a broker was fenced. */
export type FenceReason = LeaseLoss;

/**
 * A registered broker.
 *
 * @example
 * ```ts
 * const me = await BrokerRegistration.register(etcd, { broker: { id: 1, host: "127.0.0.1", port: 8081, kafka_port: 9093 } });
 * me.onFenced((why) => console.error(`broker ${me.brokerId} fenced: ${why.message}`));
 * // … on shutdown:
 * await me.close();
 * ```
 */
export class BrokerRegistration {
  readonly #client: EtcdClient;
  readonly #lease: LeaseKeeper;
  readonly #listeners = new Set<(reason: FenceReason) => void>();
  #fenced: FenceReason | null = null;
  /** The cluster's keys. */
  readonly keys: ClusterKeys;
  readonly info: BrokerInfo;
  /** This registration's broker epoch: the create_revision of its key. */
  readonly epoch: number;
  /** Resolves once, when the broker is fenced or closed. */
  readonly fenced: Promise<FenceReason>;

  private constructor(client: EtcdClient, keys: ClusterKeys, info: BrokerInfo, lease: LeaseKeeper, epoch: number) {
    this.#client = client;
    this.keys = keys;
    this.info = info;
    this.#lease = lease;
    this.epoch = epoch;
    this.fenced = lease.lost.then((reason) => {
      this.#fenced = reason;
      for (const listener of this.#listeners) listener(reason);
      this.#listeners.clear();
      return reason;
    });
  }

  /**
   * Registers a broker under a new lease.
   *
   * @throws {RivuletError} `conflict` when a live broker holds the id; etcd errors otherwise
   */
  static async register(client: EtcdClient, options: RegisterOptions): Promise<BrokerRegistration> {
    checkBrokerInfo(options.broker);
    const keys = new ClusterKeys(options.cluster ?? "default");
    const limits = { ...defaultLimits, ...options.limits };
    const key = keys.broker(options.broker.id);
    const lease = await LeaseKeeper.grant(client, { ttlMs: limits.brokerLeaseTtlMs, keepAliveMs: limits.brokerLeaseKeepAliveMs, signal: options.signal });
    try {
      let attempt = await createOnce(client, key, options.broker, lease.id, options.signal);
      if ("holder" in attempt && (options.waitForIdMs ?? 0) > 0) {
        options.onWaitForId?.(attempt.holder.createRevision);
        await waitForDelete(client, key, attempt.revision + 1, options.waitForIdMs!, options.signal);
        attempt = await createOnce(client, key, options.broker, lease.id, options.signal);
      }
      if ("holder" in attempt) throw heldError(keys, options.broker.id, attempt.holder);
      return new BrokerRegistration(client, keys, options.broker, lease, attempt.epoch);
    } catch (error) {
      await lease.revoke().catch(() => {});
      throw error;
    }
  }

  get brokerId(): number {
    return this.info.id;
  }

  /** The lease the broker's keys are bound to (decimal int64). */
  get leaseId(): string {
    return this.#lease.id;
  }

  /** Whether the broker has been fenced (or closed). */
  get isFenced(): boolean {
    return this.#fenced !== null || this.#lease.isLost;
  }

  /**
   * Runs `listener` once when the broker is fenced (at once if it already is).
   *
   * @returns a function that removes the listener
   */
  onFenced(listener: (reason: FenceReason) => void): () => void {
    if (this.#fenced) {
      listener(this.#fenced);
      return () => {};
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Leaves the cluster: revokes the lease, which deletes the broker key (and the controller key if held). */
  async close(): Promise<void> {
    await this.#lease.revoke();
    await this.fenced;
  }

  /** The etcd client the registration uses. */
  get client(): EtcdClient {
    return this.#client;
  }
}

type Attempt = { epoch: number } | { holder: KeyValue; revision: number };

async function createOnce(client: EtcdClient, key: string, info: BrokerInfo, lease: string, signal?: AbortSignal): Promise<Attempt> {
  const answer = await client.txn(
    {
      compare: [{ key, target: "create_revision", result: "equal", value: 0 }],
      success: [{ put: { key, value: JSON.stringify(info), lease } }],
      failure: [{ range: { key } }],
    },
    { signal },
  );
  if (answer.succeeded) return { epoch: answer.header.revision };
  const read = answer.responses[0];
  const holder = "range" in read ? read.range.kvs[0] : undefined;
  // Deleted between the compare and the read cannot happen inside one txn; absent means a bug.
  if (!holder) throw new RivuletError("coordination_unavailable", `etcd refused to create ${key} but shows no holder`);
  return { holder, revision: answer.header.revision };
}

/** Waits until `key` is deleted (watching from `fromRevision`), or `ms` passes. */
async function waitForDelete(client: EtcdClient, key: string, fromRevision: number, ms: number, signal?: AbortSignal): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const watch = client.watch({ key, startRevision: fromRevision, signal: controller.signal });
  try {
    for await (const batch of watch) if (batch.events.some((e) => e.type === "delete")) return;
  } catch (error) {
    if (!(error instanceof RivuletError && error.code === "revision_compacted")) throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    watch.close();
  }
}

function heldError(keys: ClusterKeys, id: number, holder: KeyValue): RivuletError {
  const info = parseBrokerInfo(bytesText(holder.value));
  const where = info ? ` at ${info.host}:${info.port} (kafka ${info.kafka_port})` : "";
  return new RivuletError(
    "conflict",
    `broker id ${id} is already registered in cluster "${keys.cluster}" by a live broker${where} (broker epoch ${holder.createRevision}): ` +
      `give this broker another --broker-id, or stop the other one; a broker restarted within its lease TTL is let in once the old lease runs out`,
    { broker_id: id, cluster: keys.cluster, holder_epoch: holder.createRevision, holder_lease: holder.lease },
  );
}
