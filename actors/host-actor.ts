import * as comlink from "comlink";
import process from "node:process";
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { type ErrorData, errorFromData, errorToData, isRivuletError, RivuletError } from "../core/errors.ts";
import { comlinkEndpoint } from "../runtime/comlink-endpoint.ts";
import type { Actor, ActorContext, ActorMessage } from "./actor.ts";
import type { ActorRef, ActorStatus } from "./actor-ref.ts";
import { Dispatcher } from "./dispatcher.ts";
import { replyTransfer } from "./reply.ts";
import { isFenced } from "./worker-fence.ts";
import type { ControlFromWorker, ControlToWorker, HandshakeFromOwner, HostApi, ReplyData, WorkerStartData } from "./worker-protocol.ts";

export { reply } from "./reply.ts";

/**
 * Hosts one actor in this worker thread: hand-shakes with the owner (`spawnWorkerActor`),
 * builds the actor from `factory(init)`, runs its `start()`, serves messages over comlink and
 * answers heartbeats on a separate control port. Call it once, at the top of a worker module.
 *
 * A RivuletError thrown by `receive` rejects that ask, code intact; anything else is a crash:
 * this actor takes no further message and the owner terminates and restarts the worker.
 * Once the owner has given up on this worker (its fence is set, see worker-fence.ts) the actor
 * is handed nothing more, and when the owner closes the control port the worker exits: a
 * worker that outlived its termination never works next to its replacement.
 *
 * @param factory builds the actor from the owner's `init()` data, at every (re)start
 * @throws {Error} when not running in a worker thread started by `spawnWorkerActor`
 *
 * @example
 * ```ts
 * // workers/echo-worker.ts
 * import { hostActor } from "../actors/host-actor.ts";
 * hostActor((init) => ({ receive: (message: { type: "echo"; text: string }) => `${init}: ${message.text}` }));
 * ```
 */
export function hostActor<M extends ActorMessage, R>(factory: (init: unknown) => Actor<M, R>): void {
  const port = parentPort;
  const start = (workerData as { data?: WorkerStartData } | null)?.data;
  if (!port || !start || typeof start.name !== "string") throw new Error("hostActor() runs only in a worker started by spawnWorkerActor()");
  const onHandshake = (message: HandshakeFromOwner): void => {
    if (message?.type !== "connect") return;
    port.off("message", onHandshake);
    void serve(factory, start, message.control, message.data);
  };
  port.on("message", onHandshake);
  port.postMessage({ type: "hello" });
}

async function serve<M extends ActorMessage, R>(factory: (init: unknown) => Actor<M, R>, start: WorkerStartData, control: MessagePort, data: MessagePort): Promise<void> {
  const send = (message: ControlFromWorker): void => control.postMessage(message);
  control.on("message", (message: ControlToWorker) => obeyControl(message, start.faultInjection, send));
  control.on("close", () => process.exit(0)); // the owner is gone or gave up on this worker
  const host = new Host<M, R>(start, (error) => send({ type: "crashed", error }));
  comlink.expose(host.api, comlinkEndpoint(data));
  try {
    await host.start(factory);
    send({ type: "ready" });
  } catch (error) {
    send({ type: "start_failed", error: errorToData(error) });
  }
}

function obeyControl(message: ControlToWorker, faultInjection: boolean, send: (message: ControlFromWorker) => void): void {
  switch (message.type) {
    case "ping":
      return send({ type: "pong", seq: message.seq });
    case "hang":
      if (!faultInjection) return;
      send({ type: "hanging" });
      for (;;); // fault injection: a busy loop only the heartbeat can find
    default: {
      const unknown: never = message;
      throw new Error(`unknown control message ${JSON.stringify(unknown)}`);
    }
  }
}

/** The actor's side of one worker incarnation. Not thread-safe: lives on the worker thread. */
class Host<M extends ActorMessage, R> {
  readonly #start: WorkerStartData;
  readonly #fence: Int32Array;
  readonly #dispatcher: Dispatcher;
  #actor: Actor<M, R> | undefined;
  #context: ActorContext<M, R>;
  #crashed: ReplyData<R> | undefined;
  #selfQueued = 0;
  readonly #onCrash: (error: ErrorData) => void;

  constructor(start: WorkerStartData, onCrash: (error: ErrorData) => void) {
    this.#start = start;
    this.#fence = new Int32Array(start.fence);
    this.#onCrash = onCrash;
    this.#dispatcher = new Dispatcher(start.dispatch);
    this.#context = { name: start.name, self: this.#selfRef() };
  }

  readonly api: HostApi<M, R> = {
    receive: (message) => this.#deliver(message),
    stop: async () => {
      this.#dispatcher.close();
      await this.#actor?.stop?.();
    },
  };

  async start(factory: (init: unknown) => Actor<M, R>): Promise<void> {
    this.#actor = factory(this.#start.init);
    await this.#actor.start?.(this.#context);
  }

  async #deliver(message: M): Promise<ReplyData<R>> {
    if (this.#crashed) return this.#crashed;
    if (isFenced(this.#fence)) return { type: "crashed", error: errorToData(new Error(`worker of actor ${this.#start.name} was given up by its owner`)) };
    try {
      const value = await this.#dispatcher.dispatch(() => this.#actor!.receive(message, this.#context));
      const answer: ReplyData<R> = { type: "reply", value };
      const transfer = replyTransfer(value);
      return transfer.length > 0 ? comlink.transfer(answer, transfer) : answer;
    } catch (error) {
      if (this.#crashed) return this.#crashed;
      if (isRivuletError(error)) return { type: "rejected", error: errorToData(error) };
      // An assertion: the actor's state is suspect, so it takes nothing more.
      this.#crashed = { type: "crashed", error: errorToData(error) };
      this.#dispatcher.close();
      this.#onCrash(this.#crashed.error);
      return this.#crashed;
    }
  }

  /** `context.self` inside the worker: messages to itself, bounded by the mailbox capacity. */
  #selfRef(): ActorRef<M, R> {
    const admit = (message: M): Promise<R> => {
      if (this.#selfQueued >= this.#start.mailboxCapacity) {
        throw new RivuletError("mailbox_full", `mailbox of actor ${this.#start.name} is full`, { actor: this.#start.name });
      }
      this.#selfQueued++;
      return this.#deliver(message).then((answer) => {
        this.#selfQueued--;
        if (answer.type === "reply") return answer.value;
        throw errorFromData(answer.error);
      });
    };
    const ask = (message: M): Promise<R> => {
      try {
        return admit(message);
      } catch (error) {
        return Promise.reject(error);
      }
    };
    return {
      name: this.#start.name,
      tell: (message) => void admit(message).catch(() => {}),
      ask,
      status: (): ActorStatus => (this.#crashed ? "restarting" : "running"),
      stop: () => Promise.reject(new TypeError("a worker actor is stopped by its owner")),
    };
  }
}
