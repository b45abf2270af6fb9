import type { Clock } from "../core/clock.ts";
import type { Actor, ActorMessage } from "./actor.ts";
import type { ActorRef } from "./actor-ref.ts";
import type { DispatchMode } from "./dispatcher.ts";
import { startLocalIncarnation } from "./local-incarnation.ts";
import { SupervisedRef } from "./supervised-ref.ts";
import type { SupervisionOptions } from "./supervision.ts";

/** Options of {@link spawn} (and of `spawnWorkerActor`). Defaults come from `core/limits.ts`. */
export interface SpawnOptions {
  /** In-flight asks plus queued messages allowed; past it `mailbox_full`. Default `mailboxMessagesMax`. */
  mailboxCapacity?: number;
  /** `serial` (default) or `pipelined`; see {@link DispatchMode}. */
  dispatch?: DispatchMode;
  /** Restart budget and backoff. */
  supervision?: SupervisionOptions;
  /** Time source of the restart window. Default the system clock. */
  clock?: Clock;
  /** Default timeout of `ask`. Default `askTimeoutMs`. */
  askTimeoutMs?: number;
  /** How long an ask waits for a (re)starting actor. Default `restartWaitMs`. */
  restartWaitMs?: number;
  /** Messages held while the actor (re)starts. Default `restartQueueRequestsMax`. */
  restartQueueRequestsMax?: number;
  /** How long `stop()` waits for unanswered messages before failing them with `closed`. Default `askTimeoutMs`. */
  stopDrainMs?: number;
}

/**
 * Spawns an actor on the current (main) thread. It starts at once; messages sent before its
 * `start()` finished wait for it. A `receive` or `start()` that throws anything but a
 * RivuletError crashes the actor, which is re-created from `factory` after a backoff.
 *
 * @param name a name for errors and status reports
 * @param factory makes a fresh actor, at first and after every crash
 * @param options mailbox, dispatch and supervision
 * @returns the actor's ref
 * @throws {TypeError} when options contradict each other
 *
 * @example
 * ```ts
 * type Message = { type: "add"; amount: number } | { type: "total" };
 * let total = 0;
 * const counter = spawn<Message, number>("counter", () => ({
 *   receive: (message) => (message.type === "add" ? (total += message.amount) : total),
 * }));
 * counter.tell({ type: "add", amount: 5 });
 * await counter.ask({ type: "total" }); // 5
 * await counter.stop();
 * ```
 */
export function spawn<M extends ActorMessage, R>(name: string, factory: () => Actor<M, R>, options: SpawnOptions = {}): ActorRef<M, R> {
  const dispatch = options.dispatch ?? "serial";
  return new SupervisedRef<M, R>(name, (self) => startLocalIncarnation(factory, dispatch, self), refOptions(options));
}

/** The {@link SupervisedRef} options carried by {@link SpawnOptions}. */
export function refOptions(options: SpawnOptions): ConstructorParameters<typeof SupervisedRef>[2] {
  return {
    limits: {
      mailboxCapacity: options.mailboxCapacity,
      askTimeoutMs: options.askTimeoutMs,
      restartWaitMs: options.restartWaitMs,
      restartQueueRequestsMax: options.restartQueueRequestsMax,
      stopDrainMs: options.stopDrainMs,
    },
    supervision: options.supervision,
    clock: options.clock,
  };
}
