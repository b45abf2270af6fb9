import type { Endpoint } from "comlink";
import type { MessagePort, Worker } from "node:worker_threads";

/** What `node:worker_threads` offers on Node, Bun and Deno: a MessagePort, a Worker or `parentPort`. */
export type NodeMessageTarget = Pick<MessagePort | Worker, "postMessage" | "on" | "off">;

/**
 * Adapts a `node:worker_threads` MessagePort (or Worker, or `parentPort`) to comlink's
 * {@link Endpoint}: Node delivers the message itself where comlink expects `{ data }`.
 *
 * @param target the port to adapt
 * @returns an endpoint for `comlink.wrap` / `comlink.expose`
 *
 * @example
 * ```ts
 * import * as comlink from "comlink";
 * import { MessageChannel } from "node:worker_threads";
 * const { port1, port2 } = new MessageChannel();
 * comlink.expose({ add: (a: number, b: number) => a + b }, comlinkEndpoint(port2));
 * const remote = comlink.wrap<{ add(a: number, b: number): number }>(comlinkEndpoint(port1));
 * await remote.add(1, 2); // 3
 * port1.close();
 * ```
 */
export function comlinkEndpoint(target: NodeMessageTarget): Endpoint {
  const wrapped = new Map<EventListenerOrEventListenerObject, (data: unknown) => void>();
  return {
    postMessage(message: unknown, transfer?: Transferable[]): void {
      // Node drops a message whose transfer list holds a detached buffer, without a word;
      // Bun and Deno throw. Throw everywhere, so the caller hears of its mistake.
      if (transfer?.some(isDetached)) throw new DOMException("an ArrayBuffer in the transfer list is already detached", "DataCloneError");
      // Node's types name their own transferables; the web ones are the same objects.
      (target.postMessage as (value: unknown, transferList?: readonly unknown[]) => void).call(target, message, transfer);
    },
    addEventListener(_type: string, listener: EventListenerOrEventListenerObject): void {
      const onMessage = (data: unknown): void => {
        const event = { data } as MessageEvent;
        if (typeof listener === "function") listener(event);
        else listener.handleEvent(event);
      };
      wrapped.set(listener, onMessage);
      target.on("message", onMessage);
    },
    removeEventListener(_type: string, listener: EventListenerOrEventListenerObject): void {
      const onMessage = wrapped.get(listener);
      if (onMessage === undefined) return;
      wrapped.delete(listener);
      target.off("message", onMessage);
    },
  };
}

function isDetached(item: Transferable): boolean {
  if (!(item instanceof ArrayBuffer) || item.byteLength > 0) return false;
  try {
    item.slice(0); // throws on a detached buffer, on every runtime
    return false;
  } catch {
    return true;
  }
}
