import type { ActorMessage } from "./actor.ts";

/**
 * Where an actor is in its life:
 * - `starting`: `start()` runs; messages wait;
 * - `running`: messages are delivered;
 * - `restarting`: it crashed and waits out its backoff or re-runs `start()`; messages wait (bounded);
 * - `failed`: it crashed too often; every ask rejects with `actor_failed`;
 * - `stopped`: stopped gracefully; every ask rejects with `closed`.
 */
export type ActorStatus = "starting" | "running" | "restarting" | "failed" | "stopped";

/** Options of one {@link ActorRef.ask}. */
export interface AskOptions {
  /** Rejects with a `timeout` RivuletError after this long. Default: `limits.askTimeoutMs`. */
  timeoutMs?: number;
  /** Buffers to move (not copy) to a worker actor along with the message. */
  transfer?: Transferable[];
}

/**
 * The only way to reach an actor, on the main thread or on a worker thread alike.
 *
 * @example
 * ```ts
 * const counter = spawn("counter", () => new Counter());
 * counter.tell({ type: "add", amount: 2 });
 * await counter.ask({ type: "get" }); // 2
 * await counter.stop();
 * ```
 */
export interface ActorRef<M extends ActorMessage, R> {
  /** The name given at spawn. */
  readonly name: string;
  /**
   * Sends without waiting for an answer. At most once: a tell in flight when the actor crashes is lost.
   * @throws {RivuletError} `mailbox_full` when the mailbox is full, `actor_failed` / `closed` after the end
   */
  tell(message: M): void;
  /**
   * Sends and waits for `receive`'s answer.
   * @throws {RivuletError} `mailbox_full`; `timeout`; `actor_restarting` (retriable) when the actor crashed
   *   with the message in flight, or stayed down longer than `restartWaitMs`; `actor_failed`; `closed`;
   *   and any RivuletError `receive` threw, code intact
   */
  ask(message: M, options?: AskOptions): Promise<R>;
  /** The current {@link ActorStatus}. */
  status(): ActorStatus;
  /** Refuses new messages, waits for the queued and in-flight ones, runs the actor's `stop()`. */
  stop(): Promise<void>;
}

/**
 * Fault injection on worker actor refs spawned with `faultInjection: true`, for tests and chaos runs.
 *
 * @example
 * ```ts
 * const ref = await spawnWorkerActor<EchoMessage, unknown>("echo", url, { faultInjection: true });
 * await (ref as ActorRef<EchoMessage, unknown> & FaultInjectable).crash();
 * ```
 */
export interface FaultInjectable {
  /** Terminates the worker as a crash would; resolves once it is gone (the restart follows). */
  crash(): Promise<void>;
  /**
   * Makes the worker spin in a busy loop, so only the heartbeat can find it. Resolves once the
   * worker is spinning (or gone): a message sent afterwards cannot overtake the hang, which it
   * could otherwise, the hang travelling on the control port and messages on the data port.
   */
  hang(): Promise<void>;
}
