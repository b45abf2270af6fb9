/**
 * Plugs stream processing into the public `Broker`: `broker.processors` (groups/broker.ts) asks
 * the factory registered here. The Broker class lives on the groups floor, below processors/,
 * so it cannot import the runtime; this module (loaded by mod.ts, the `rivulet process` command
 * and the tests) registers it instead. The registry behind it is made on first use, so a
 * broker that never runs a processor pays nothing.
 */
import { installProcessors } from "../groups/broker.ts";
import { processorsOf, Processors } from "./runtime/processors.ts";

installProcessors(processorsOf);

export { Processors };
export { ProcessorApp } from "./runtime/processor-app.ts";
export type * from "../broker/processors-api.ts";
