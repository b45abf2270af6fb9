import type { ActorRef } from "./actor-ref.ts";

/** Every actor message is a tagged union member: `{ type: "..." }`. */
export interface ActorMessage {
  readonly type: string;
}

/**
 * What an actor knows about itself while it runs.
 *
 * @example
 * ```ts
 * const actor: Actor<{ type: "ping" }, string> = {
 *   receive: (_message, context) => `pong from ${context.name}`,
 * };
 * ```
 */
export interface ActorContext<M extends ActorMessage = ActorMessage, R = unknown> {
  /** The name the actor was spawned with. */
  readonly name: string;
  /** A reference to this actor, e.g. to `tell` itself a timer tick. */
  readonly self: ActorRef<M, R>;
}

/**
 * An actor: state plus a `receive` handler, reached only through an {@link ActorRef}.
 * Not thread-safe by design: the runtime never runs two `receive` calls' synchronous parts at
 * once, and with `dispatch: "serial"` never overlaps them at all.
 *
 * Throwing a {@link RivuletError} from `receive` is an expected failure: it rejects that ask.
 * Throwing anything else is a programmer error: the actor crashes and is re-created.
 *
 * @example
 * ```ts
 * type CounterMessage = { type: "add"; amount: number } | { type: "get" };
 * class Counter implements Actor<CounterMessage, number> {
 *   #total = 0;
 *   receive(message: CounterMessage): number {
 *     switch (message.type) {
 *       case "add": return (this.#total += message.amount);
 *       case "get": return this.#total;
 *       default: return assertNever(message);
 *     }
 *   }
 * }
 * ```
 */
export interface Actor<M extends ActorMessage, R> {
  /** Handles one message; the value (or the promise's value) answers an `ask`. */
  receive(message: M, context: ActorContext<M, R>): R | Promise<R>;
  /** Runs, and finishes, before the first message and again after every restart: recover state here. */
  start?(context: ActorContext<M, R>): void | Promise<void>;
  /** Runs once on a graceful stop, after the last message was handled. */
  stop?(): void | Promise<void>;
}

/**
 * The end of an exhaustive `switch` over a tagged union: a type error when a case is missing,
 * a crash (programmer error) if reached at run time.
 *
 * @example
 * ```ts
 * function area(shape: { type: "square"; side: number }): number {
 *   switch (shape.type) {
 *     case "square": return shape.side ** 2;
 *     default: return assertNever(shape.type);
 *   }
 * }
 * ```
 */
export function assertNever(value: never): never {
  throw new Error(`unexpected case: ${JSON.stringify(value)}`);
}
