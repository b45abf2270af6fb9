import { isRivuletError } from "../core/errors.ts";
import type { Actor, ActorContext, ActorMessage } from "./actor.ts";
import type { ActorRef } from "./actor-ref.ts";
import { type DispatchMode, Dispatcher } from "./dispatcher.ts";
import { asError, type Incarnation, type DeliveryOutcome } from "./incarnation.ts";

/**
 * Starts one life of a main-thread actor: builds it from `factory`, awaits its `start()`, then
 * delivers through a {@link Dispatcher}. A RivuletError from `receive` rejects; anything else
 * is a crash.
 *
 * @param factory makes a fresh actor
 * @param dispatch serial or pipelined
 * @param self the ref that reaches this actor
 * @returns the running incarnation; rejects with what `factory` or `start()` threw
 *
 * @example
 * ```ts
 * const incarnation = await startLocalIncarnation(() => new Counter(), "serial", ref);
 * await incarnation.deliver({ type: "get" }, []); // { type: "reply", value: 0 }
 * ```
 */
export async function startLocalIncarnation<M extends ActorMessage, R>(
  factory: () => Actor<M, R>,
  dispatch: DispatchMode,
  self: ActorRef<M, R>,
): Promise<Incarnation<M, R>> {
  const actor = factory();
  const context: ActorContext<M, R> = { name: self.name, self };
  await actor.start?.(context);
  const dispatcher = new Dispatcher(dispatch);
  return {
    deliver(message: M): Promise<DeliveryOutcome<R>> {
      return dispatcher.dispatch(() => actor.receive(message, context)).then(
        (value): DeliveryOutcome<R> => ({ type: "reply", value }),
        (error): DeliveryOutcome<R> => isRivuletError(error) ? { type: "rejected", error } : { type: "crashed", error: asError(error) },
      );
    },
    async stop(): Promise<void> {
      dispatcher.close();
      await actor.stop?.();
    },
    async kill(): Promise<void> {
      dispatcher.close();
    },
  };
}
