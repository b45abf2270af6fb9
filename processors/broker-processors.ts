/**
 * `broker.processors` on the public `Broker`. The Broker class lives on the groups floor, below
 * processors/, so it cannot import the runtime; instead this module (loaded by mod.ts and by
 * server/) adds the property to `Broker.prototype` and declares it on the class's type. The
 * registry behind it is made on first use, so a broker that never runs a processor pays nothing.
 */
import { Broker } from "../groups/broker.ts";
import { processorsOf, type Processors } from "./runtime/processors.ts";

declare module "../groups/broker.ts" {
  interface Broker {
    /**
     * The stream-processing apps of this broker (DESIGN §13).
     *
     * @example
     * ```ts
     * const app = await broker.processors.start(new URL("./my-app.ts", import.meta.url), { workers: 2 });
     * ```
     */
    readonly processors: Processors;
  }
}

if (!Object.getOwnPropertyDescriptor(Broker.prototype, "processors")) {
  Object.defineProperty(Broker.prototype, "processors", {
    configurable: true,
    get(this: Broker) {
      return processorsOf(this);
    },
  });
}

export { Processors };
export { ProcessorApp, type AppStatus, type ProcessorAppOptions, type StoreQuery, type TaskStatus, type InputStatus } from "./runtime/processor-app.ts";
