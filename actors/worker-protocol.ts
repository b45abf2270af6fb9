/**
 * Wire messages between a worker actor's owner (`worker-incarnation.ts`) and its host in the
 * worker (`host-actor.ts`). Three channels, so control traffic never queues behind data:
 *
 * 1. the Worker's own channel carries the hand-shake only: worker → `hello`, owner → `connect`
 *    with two fresh ports;
 * 2. the control port: `ready` / `start_failed` after `start()`, heartbeats, fault injection;
 *    when the owner closes it, the worker exits;
 * 3. the data port: comlink calls of {@link HostApi}, whose answers are {@link ReplyData}.
 */
import type { MessagePort } from "node:worker_threads";
import type { ErrorData } from "../core/errors.ts";
import type { DispatchMode } from "./dispatcher.ts";

/** What the owner passes as `workerData.data` to a worker actor's module. */
export interface WorkerStartData {
  /** The actor's name. */
  name: string;
  /** The `init()` result for this (re)start. */
  init: unknown;
  dispatch: DispatchMode;
  /** Bounds the messages the actor sends itself (the owner bounds its own). */
  mailboxCapacity: number;
  /** Whether the control port obeys fault-injection messages. */
  faultInjection: boolean;
  /** This incarnation's fencing token (see worker-fence.ts): one Int32 the owner sets when it gives up. */
  fence: SharedArrayBuffer;
}

/** Worker → owner on the Worker's channel: the module loaded and listens. */
export type HandshakeFromWorker = { type: "hello" };
/** Owner → worker on the Worker's channel: the control and data ports. */
export type HandshakeFromOwner = { type: "connect"; control: MessagePort; data: MessagePort };

/** Owner → worker on the control port. */
export type ControlToWorker = { type: "ping"; seq: number } | { type: "hang" };
/** Worker → owner on the control port. */
export type ControlFromWorker =
  | { type: "ready" }
  | { type: "start_failed"; error: ErrorData }
  | { type: "pong"; seq: number }
  /** Fault injection: the worker is about to spin in a busy loop. */
  | { type: "hanging" }
  /** `receive` threw an assertion (also reported here for messages the actor sent itself). */
  | { type: "crashed"; error: ErrorData };

/** The answer to one delivered message, as data (comlink would drop an error's code). */
export type ReplyData<R> =
  | { type: "reply"; value: R }
  | { type: "rejected"; error: ErrorData }
  | { type: "crashed"; error: ErrorData };

/** What the host exposes over comlink on the data port. */
export interface HostApi<M, R> {
  receive(message: M): Promise<ReplyData<R>>;
  /** Runs the actor's `stop()`; the owner terminates the worker afterwards. */
  stop(): Promise<void>;
}
