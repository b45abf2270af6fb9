/**
 * Shutdown signals (SIGINT, SIGTERM) on Node, Bun and Deno. Deno's `process.on` does not stop
 * the default action for these, so there its native listener is used.
 */
import { runtimeName } from "./runtime-name.ts";

type Signal = "SIGINT" | "SIGTERM";
declare const Deno: { addSignalListener(signal: Signal, handler: () => void): void; removeSignalListener(signal: Signal, handler: () => void): void };

/**
 * Calls `handler` with the signal's name on SIGINT or SIGTERM instead of exiting.
 *
 * @param handler what to do on the signal
 * @returns a function that removes the listeners
 * @example
 * ```ts
 * const off = onShutdownSignal((signal) => console.log(`${signal}: stopping`));
 * off();
 * ```
 */
export function onShutdownSignal(handler: (signal: Signal) => void): () => void {
  const signals: Signal[] = ["SIGINT", "SIGTERM"];
  const listeners = signals.map((signal) => [signal, () => handler(signal)] as const);
  if (runtimeName === "deno") {
    for (const [signal, listener] of listeners) Deno.addSignalListener(signal, listener);
    return () => {
      for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
    };
  }
  for (const [signal, listener] of listeners) process.on(signal, listener);
  return () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
}
