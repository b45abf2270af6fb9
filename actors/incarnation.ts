import type { ActorMessage } from "./actor.ts";
import type { ActorRef } from "./actor-ref.ts";

/**
 * What became of one delivered message: a reply, an expected failure (a RivuletError, which
 * rejects the ask), or a crash (anything else: a programmer error that ends the incarnation).
 */
export type DeliveryOutcome<R> =
  | { type: "reply"; value: R }
  | { type: "rejected"; error: Error }
  | { type: "crashed"; error: Error };

/**
 * One life of an actor, between two (re)starts: on the main thread or on a worker thread.
 * The supervising ref owns ordering of lives; an incarnation owns delivery within its life.
 */
export interface Incarnation<M extends ActorMessage, R> {
  /** Delivers one message; never rejects: failures are {@link DeliveryOutcome}s. */
  deliver(message: M, transfer: Transferable[]): Promise<DeliveryOutcome<R>>;
  /** Graceful end, once nothing is in flight: runs the actor's `stop()`, releases its thread. */
  stop(): Promise<void>;
  /** Immediate end after a crash: no `stop()`, the thread (if any) is terminated. */
  kill(): Promise<void>;
}

/**
 * Creates an incarnation and resolves once its actor's `start()` finished; rejects when it
 * could not start. `onCrash` reports a crash found later (worker exit, missed heartbeats).
 *
 * @example
 * ```ts
 * const create: CreateIncarnation<Msg, number> = (self, onCrash) => startLocalIncarnation(() => new Counter(), "serial", self);
 * ```
 */
export type CreateIncarnation<M extends ActorMessage, R> = (
  self: ActorRef<M, R>,
  onCrash: (error: Error) => void,
) => Promise<Incarnation<M, R>>;

/** Turns any thrown value into an Error. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
