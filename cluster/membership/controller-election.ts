/**
 * The election of the one controller among a cluster's brokers, on the key `/<c>/controller`.
 *
 * **How**: a candidate runs the txn "if the controller key is absent (create_revision 0), put
 * {broker_id, broker_epoch} bound to my broker lease, else read it". Whoever creates it is the
 * controller; the others watch the key and try again when it is deleted (its holder's lease
 * ended, or it resigned). This is Kafka's ZooKeeper `/controller` ephemeral node, on etcd.
 *
 * **Epoch** = the key's create_revision: larger for every new controller. Every controller write
 * goes through {@link guardedTxn} on it, so a deposed controller cannot write.
 *
 * **Why a txn on one key, not `/v3/election/campaign`**: the gateway's campaign is one HTTP call
 * that blocks until elected, which cannot have a request timeout, and whose lost answer leaves
 * a candidate key behind that the caller cannot name; its leader key is `<name>/<lease hex>`,
 * so guards would have to track that key too. The txn is a short call with a timeout whose
 * retry is safe (a candidate that finds the key bound to its own lease knows it won), the
 * guard is the one fixed key, and the wait is an ordinary resuming watch.
 *
 * **Fencing**: when the broker's registration is fenced, the election stops for good: a
 * controller is deposed locally at once (before etcd can elect another, see
 * {@link LeaseKeeper}), and its key goes with its lease.
 */
import { RivuletError } from "../../core/errors.ts";
import { defaultLimits } from "../../core/limits.ts";
import type { CallOptions } from "../etcd/etcd-transport.ts";
import type { TxnResponse } from "../etcd/etcd-types.ts";
import type { BrokerRegistration } from "./broker-registration.ts";
import { type GuardedTxnRequest, guardedTxn } from "./guarded-txn.ts";
import type { ControllerInfo } from "./metadata-records.ts";
import { pause } from "../../core/abortable.ts";

/** This broker's view of the election. */
export interface ElectionState {
  /** Whether this broker is the controller. */
  controller: boolean;
  /** The controller epoch this broker holds; 0 when it is not the controller. */
  epoch: number;
}

/** Retry pacing after a failed campaign step. */
export interface ElectionOptions {
  backoffMinMs?: number;
  backoffMaxMs?: number;
}

/**
 * Campaigns for the controller role for one registered broker.
 *
 * @example
 * ```ts
 * const election = new ControllerElection(registration);
 * election.start();
 * const epoch = await election.elected();
 * await election.controllerTxn({ success: [{ put: { key: keys.topic("orders"), value: JSON.stringify(topic) } }] });
 * ```
 */
export class ControllerElection {
  readonly #registration: BrokerRegistration;
  readonly #listeners = new Set<(state: ElectionState) => void>();
  readonly #stop = new AbortController();
  readonly #backoffMinMs: number;
  readonly #backoffMaxMs: number;
  #state: ElectionState = { controller: false, epoch: 0 };
  #running: Promise<void> | null = null;

  constructor(registration: BrokerRegistration, options: ElectionOptions = {}) {
    this.#registration = registration;
    this.#backoffMinMs = options.backoffMinMs ?? defaultLimits.etcdRetryBackoffMinMs;
    this.#backoffMaxMs = options.backoffMaxMs ?? defaultLimits.etcdRetryBackoffMaxMs;
    registration.onFenced(() => this.#stopAll());
  }

  /** The current state (a copy). */
  get state(): ElectionState {
    return { ...this.#state };
  }

  get isController(): boolean {
    return this.#state.controller;
  }

  /** Starts campaigning (once; later calls do nothing). */
  start(): void {
    if (this.#running || this.#stop.signal.aborted) return;
    this.#running = this.#campaign();
  }

  /**
   * Calls `listener` on every change of state.
   *
   * @returns a function that removes it
   */
  onChange(listener: (state: ElectionState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Resolves with the epoch once this broker is the controller (at once if it is).
   *
   * @throws {RivuletError} `closed` once the election has stopped (closed, or the broker fenced)
   */
  elected(): Promise<number> {
    if (this.#state.controller) return Promise.resolve(this.#state.epoch);
    if (this.#stop.signal.aborted) return Promise.reject(stoppedError(this.#registration.brokerId));
    return new Promise((resolve, reject) => {
      const onStop = () => {
        off();
        reject(stoppedError(this.#registration.brokerId));
      };
      const off = this.onChange((state) => {
        if (!state.controller) return;
        off();
        this.#stop.signal.removeEventListener("abort", onStop);
        resolve(state.epoch);
      });
      this.#stop.signal.addEventListener("abort", onStop, { once: true });
    });
  }

  /** Resolves once this broker is not the controller (at once if it is not). */
  deposed(): Promise<void> {
    return this.#when((s) => !s.controller).then(() => {});
  }

  /**
   * A controller write, guarded by this broker's controller epoch.
   *
   * @throws {RivuletError} `not_controller` when this broker is not (or no longer) the controller
   */
  async controllerTxn(request: GuardedTxnRequest, options?: CallOptions): Promise<TxnResponse> {
    const { controller, epoch } = this.#state;
    if (!controller || this.#registration.isFenced) {
      throw new RivuletError("not_controller", `broker ${this.#registration.brokerId} is not the controller`, { broker_id: this.#registration.brokerId });
    }
    try {
      return await guardedTxn(this.#registration.client, { controllerKey: this.#registration.keys.controller, epoch }, request, options);
    } catch (error) {
      if (error instanceof RivuletError && error.code === "not_controller" && this.#state.epoch === epoch) this.#set({ controller: false, epoch: 0 });
      throw error;
    }
  }

  /** Stops campaigning; a controller resigns (deletes its key, guarded), so another takes over at once. */
  async close(): Promise<void> {
    const { controller, epoch } = this.#state;
    this.#stopAll();
    await this.#running;
    if (controller && !this.#registration.isFenced) {
      const key = this.#registration.keys.controller;
      await this.#registration.client
        .txn({ compare: [{ key, target: "create_revision", result: "equal", value: epoch }], success: [{ deleteRange: { key } }] })
        .catch(() => {});
    }
  }

  #stopAll(): void {
    this.#stop.abort();
    this.#set({ controller: false, epoch: 0 });
  }

  #set(state: ElectionState): void {
    if (state.controller === this.#state.controller && state.epoch === this.#state.epoch) return;
    this.#state = state;
    for (const listener of [...this.#listeners]) listener({ ...state });
  }

  #when(test: (state: ElectionState) => boolean): Promise<ElectionState> {
    if (test(this.#state)) return Promise.resolve({ ...this.#state });
    return new Promise((resolve) => {
      const off = this.onChange((state) => {
        if (!test(state)) return;
        off();
        resolve(state);
      });
    });
  }

  async #campaign(): Promise<void> {
    const signal = this.#stop.signal;
    let backoff = 0;
    while (!signal.aborted) {
      try {
        const holder = await this.#tryOnce(signal);
        backoff = 0;
        if (signal.aborted) break;
        if (holder.lease === this.#registration.leaseId) this.#set({ controller: true, epoch: holder.epoch });
        await this.#untilGone(holder.epoch, holder.seenAt + 1, signal);
        this.#set({ controller: false, epoch: 0 });
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof RivuletError && error.code === "revision_compacted") continue;
        backoff = Math.min(Math.max(backoff * 2, this.#backoffMinMs), this.#backoffMaxMs);
        await pause(backoff, signal);
      }
    }
  }

  /** One campaign step: create the key if absent; either way, who holds it now and at which revision. */
  async #tryOnce(signal: AbortSignal): Promise<{ epoch: number; lease: string; seenAt: number }> {
    const registration = this.#registration;
    const key = registration.keys.controller;
    const value: ControllerInfo = { broker_id: registration.brokerId, broker_epoch: registration.epoch };
    const answer = await registration.client.txn(
      {
        compare: [{ key, target: "create_revision", result: "equal", value: 0 }],
        success: [{ put: { key, value: JSON.stringify(value), lease: registration.leaseId } }],
        failure: [{ range: { key } }],
      },
      { signal },
    );
    const seenAt = answer.header.revision;
    if (answer.succeeded) return { epoch: seenAt, lease: registration.leaseId, seenAt };
    const read = answer.responses[0];
    const kv = read && "range" in read ? read.range.kvs[0] : undefined;
    if (!kv) throw new RivuletError("coordination_unavailable", `etcd refused to create ${key} but shows no holder`);
    return { epoch: kv.createRevision, lease: kv.lease, seenAt };
  }

  /** Waits until the controller key of `epoch` is gone (deleted, or replaced by another epoch). */
  async #untilGone(epoch: number, fromRevision: number, signal: AbortSignal): Promise<void> {
    const key = this.#registration.keys.controller;
    const watch = this.#registration.client.watch({ key, startRevision: fromRevision, signal });
    try {
      for await (const batch of watch) {
        if (batch.events.some((e) => e.type === "delete" || e.kv.createRevision !== epoch)) return;
      }
    } finally {
      watch.close();
    }
  }
}

function stoppedError(brokerId: number): RivuletError {
  return new RivuletError("closed", `broker ${brokerId} has stopped campaigning for controller (closed or fenced)`, { broker_id: brokerId });
}
