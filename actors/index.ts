/**
 * Rivulet's actor runtime, public API ("programmatic actor messaging"): typed messages,
 * `tell`/`ask`, bounded mailboxes, supervision with backoff, and actors on the main thread
 * ({@link spawn}) or on their own worker thread ({@link spawnWorkerActor} + {@link hostActor}).
 *
 * @example
 * ```ts
 * import { spawn } from "./actors/index.ts";
 * const greeter = spawn<{ type: "greet"; who: string }, string>("greeter", () => ({
 *   receive: (message) => `hello, ${message.who}`,
 * }));
 * await greeter.ask({ type: "greet", who: "ada" }); // "hello, ada"
 * await greeter.stop();
 * ```
 *
 * @module
 */
export { type Actor, type ActorContext, type ActorMessage, assertNever } from "./actor.ts";
export type { ActorRef, ActorStatus, AskOptions, FaultInjectable } from "./actor-ref.ts";
export type { DispatchMode } from "./dispatcher.ts";
export { hostActor, reply } from "./host-actor.ts";
export { spawn, type SpawnOptions } from "./spawn.ts";
export type { StatusDetail, SupervisionOptions } from "./supervision.ts";
export { spawnWorkerActor, type WorkerActorOptions, type WorkerActorRef } from "./worker-actor.ts";
