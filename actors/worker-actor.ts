import type { ResourceLimits } from "node:worker_threads";
import { defaultLimits } from "../core/limits.ts";
import type { ActorMessage } from "./actor.ts";
import type { ActorRef, FaultInjectable } from "./actor-ref.ts";
import { refOptions, type SpawnOptions } from "./spawn.ts";
import type { StartQueue } from "./start-queue.ts";
import { SupervisedRef } from "./supervised-ref.ts";
import { WorkerIncarnation } from "./worker-incarnation.ts";

export type { FaultInjectable } from "./actor-ref.ts";

/** Options of {@link spawnWorkerActor}. */
export interface WorkerActorOptions extends SpawnOptions {
  /**
   * Start-up data for the worker module's factory, read again at every (re)start, so the owner
   * can change what a restarted worker hosts. Must be structured-cloneable. Default `null`.
   */
  init?: () => unknown;
  /** How often the worker is pinged. Default `heartbeatIntervalMs`. */
  heartbeatIntervalMs?: number;
  /** Silence after which the worker is terminated and restarted. Default `heartbeatTimeoutMs`. */
  heartbeatTimeoutMs?: number;
  /** Longest wait for a (re)started worker to load its module and hand-shake. Default `workerStartTimeoutMs`. */
  startTimeoutMs?: number;
  /** Longest wait for the actor's `stop()` before the worker is terminated anyway. Default `workerStopTimeoutMs`. */
  stopTimeoutMs?: number;
  /** Longest wait for a terminated worker to exit before it is abandoned. Default `workerTerminateTimeoutMs`. */
  terminateTimeoutMs?: number;
  /** Adds {@link FaultInjectable}'s `crash()` and `hang()` to the ref. Default false. */
  faultInjection?: boolean;
  /** Heap limits of the worker thread (honoured by Node; Bun and Deno may ignore them). */
  resourceLimits?: ResourceLimits;
  /** Boots the worker (its first start only) through this queue, which bounds boots at once. */
  firstStartQueue?: StartQueue;
}

/** A worker actor's ref: `crash()` and `hang()` are there when spawned with `faultInjection`. */
export type WorkerActorRef<M extends ActorMessage, R> = ActorRef<M, R> & Partial<FaultInjectable>;

/**
 * Spawns an actor on its own worker thread. The module at `moduleUrl` calls `hostActor(factory)`;
 * the ref talks to it through comlink, pings it on a separate control port, and restarts it with
 * backoff when it exits, errors, misses heartbeats, does not start in time or throws an
 * assertion. A replacement starts only once the old worker has exited or, past
 * `terminateTimeoutMs`, been abandoned and fenced off: two workers never serve one actor.
 *
 * @param name a name for errors and status reports
 * @param moduleUrl the worker module (`.ts` or `.js`), e.g. `new URL("./my-worker.ts", import.meta.url)`
 * @param options mailbox, dispatch, supervision, heartbeats, `init`
 * @returns the ref, once the worker hand-shook and its actor's `start()` finished
 * @throws {RivuletError} `actor_failed` when it never started within its restart budget
 *
 * @example
 * ```ts
 * // echo-worker.ts: hostActor((init) => ({ receive: (m: { type: "echo"; text: string }) => `${init}${m.text}` }));
 * const echo = await spawnWorkerActor<{ type: "echo"; text: string }, string>("echo",
 *   new URL("./echo-worker.ts", import.meta.url), { init: () => "> " });
 * await echo.ask({ type: "echo", text: "hi" }); // "> hi"
 * await echo.stop();
 * ```
 */
export async function spawnWorkerActor<M extends ActorMessage, R>(name: string, moduleUrl: URL, options: WorkerActorOptions = {}): Promise<WorkerActorRef<M, R>> {
  const ref = startWorkerActor<M, R>(name, moduleUrl, options);
  await ref.started;
  return ref;
}

/**
 * {@link spawnWorkerActor} without the wait: the ref comes back at once, and messages sent
 * before the worker runs wait in its mailbox (bounded by `restartQueueRequestsMax` and
 * `restartWaitMs`, as during a restart). A server uses it to listen while its workers boot.
 *
 * @param name a name for errors and status reports
 * @param moduleUrl the worker module (`.ts` or `.js`)
 * @param options as for {@link spawnWorkerActor}
 * @returns the ref; its `started` resolves once the worker hand-shook and `start()` finished,
 *   or rejects with `actor_failed` when it never started within its restart budget
 * @example
 * ```ts
 * const echo = startWorkerActor<{ type: "echo"; text: string }, string>("echo", new URL("./echo-worker.ts", import.meta.url));
 * const answer = echo.ask({ type: "echo", text: "hi" }); // delivered once the worker runs
 * ```
 */
export function startWorkerActor<M extends ActorMessage, R>(name: string, moduleUrl: URL, options: WorkerActorOptions = {}): WorkerActorRef<M, R> & { readonly started: Promise<void> } {
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? defaultLimits.heartbeatIntervalMs;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? defaultLimits.heartbeatTimeoutMs;
  if (!(heartbeatIntervalMs > 0 && heartbeatIntervalMs < heartbeatTimeoutMs)) throw new TypeError("heartbeatIntervalMs must be positive and below heartbeatTimeoutMs");
  const bounds = {
    startTimeoutMs: options.startTimeoutMs ?? defaultLimits.workerStartTimeoutMs,
    stopTimeoutMs: options.stopTimeoutMs ?? defaultLimits.workerStopTimeoutMs,
    terminateTimeoutMs: options.terminateTimeoutMs ?? defaultLimits.workerTerminateTimeoutMs,
  };
  for (const [name, ms] of Object.entries(bounds)) if (!(ms > 0)) throw new TypeError(`${name} must be positive`);
  let current: WorkerIncarnation<M, R> | undefined;
  let firstStart = true;
  const ref: WorkerActorRef<M, R> & SupervisedRef<M, R> = new SupervisedRef<M, R>(name, async (_self, onCrash) => {
    current = undefined;
    const start = {
      name,
      init: options.init?.() ?? null,
      dispatch: options.dispatch ?? "serial",
      mailboxCapacity: options.mailboxCapacity ?? defaultLimits.mailboxMessagesMax,
      faultInjection: options.faultInjection ?? false,
    };
    const boot = () => WorkerIncarnation.start<M, R>({ moduleUrl, start, heartbeatIntervalMs, heartbeatTimeoutMs, ...bounds, resourceLimits: options.resourceLimits }, onCrash);
    const queue = firstStart ? options.firstStartQueue : undefined;
    firstStart = false;
    const incarnation = await (queue ? queue.run(boot) : boot());
    current = incarnation;
    return incarnation;
  }, refOptions(options));
  if (options.faultInjection) {
    ref.crash = async () => void (await current?.crash());
    ref.hang = async () => void (await current?.hang());
  }
  return ref as WorkerActorRef<M, R> & { readonly started: Promise<void> };
}
