import * as comlink from "comlink";
import { MessageChannel, type MessagePort, type ResourceLimits, type Worker } from "node:worker_threads";
import { errorFromData, RivuletError } from "../core/errors.ts";
import { comlinkEndpoint } from "../runtime/comlink-endpoint.ts";
import { spawnWorker } from "../runtime/spawn-worker.ts";
import type { ActorMessage } from "./actor.ts";
import { Heartbeat } from "./heartbeat.ts";
import { asError, type Incarnation, type Outcome } from "./incarnation.ts";
import type { ControlFromWorker, ControlToWorker, HandshakeFromOwner, HandshakeFromWorker, HostApi, ReplyData, WorkerStartData } from "./worker-protocol.ts";

/** How to start one worker incarnation. */
export interface WorkerIncarnationOptions {
  moduleUrl: URL;
  start: WorkerStartData;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  resourceLimits?: ResourceLimits;
}

/**
 * One life of a worker actor: its own worker thread, a control port for heartbeats and a data
 * port for comlink calls. Any sign of death (exit, error, missed heartbeats, an assertion in
 * `receive`) ends it at once: the worker is terminated and the owner told through `onCrash`.
 * Not thread-safe: lives with the owner.
 *
 * @example
 * ```ts
 * const incarnation = await WorkerIncarnation.start(options, (error) => console.error(error));
 * await incarnation.deliver({ type: "echo" }, []);
 * await incarnation.stop();
 * ```
 */
export class WorkerIncarnation<M extends ActorMessage, R> implements Incarnation<M, R> {
  readonly #worker: Worker;
  readonly #options: WorkerIncarnationOptions;
  readonly #onCrash: (error: Error) => void;
  readonly #heartbeat: Heartbeat;
  readonly #ready: { resolve(): void; reject(error: Error): void };
  readonly #exited: Promise<void>;
  #control: MessagePort | undefined;
  #data: MessagePort | undefined;
  #remote: comlink.Remote<HostApi<M, R>> | undefined;
  /** `remote.receive`, looked up once: each lookup makes a new comlink proxy. */
  #receive: ((message: M) => Promise<ReplyData<R>>) | undefined;
  #running = false;
  #ended = false;
  #terminated: Promise<void> | undefined;

  /**
   * Starts a worker and resolves once its actor's `start()` finished.
   * @param options module, start-up data, heartbeat timing
   * @param onCrash told about a crash found after the start
   * @returns the running incarnation; rejects with the reason it could not start
   */
  static async start<M extends ActorMessage, R>(options: WorkerIncarnationOptions, onCrash: (error: Error) => void): Promise<WorkerIncarnation<M, R>> {
    const worker = await spawnWorker(options.moduleUrl, options.start, { resourceLimits: options.resourceLimits });
    return new Promise((resolve, reject) => {
      const incarnation: WorkerIncarnation<M, R> = new WorkerIncarnation(options, worker, onCrash, {
        resolve: () => resolve(incarnation),
        reject,
      });
    });
  }

  private constructor(options: WorkerIncarnationOptions, worker: Worker, onCrash: (error: Error) => void, ready: { resolve(): void; reject(error: Error): void }) {
    this.#options = options;
    this.#onCrash = onCrash;
    this.#ready = ready;
    const timing = { intervalMs: options.heartbeatIntervalMs, timeoutMs: options.heartbeatTimeoutMs };
    this.#heartbeat = new Heartbeat(timing, (seq) => this.#sendControl({ type: "ping", seq }), (silentMs) => {
      this.#end(new Error(`worker of actor ${options.start.name} missed heartbeats for ${Math.round(silentMs)} ms`));
    });
    this.#worker = worker;
    this.#exited = new Promise((resolve) => this.#worker.once("exit", (code: number) => {
      resolve();
      this.#end(new Error(`worker of actor ${options.start.name} exited with code ${code}`));
    }));
    this.#worker.on("error", (error: unknown) => this.#end(asError(error)));
    this.#worker.on("message", (message: HandshakeFromWorker) => {
      if (message?.type === "hello" && !this.#control) this.#connect();
    });
  }

  deliver(message: M, transfer: Transferable[]): Promise<Outcome<R>> {
    if (this.#ended || !this.#receive) return Promise.resolve({ type: "crashed", error: new Error("worker is gone") });
    const payload = transfer.length > 0 ? comlink.transfer(message, transfer) : message;
    return this.#receive(payload).then(toOutcome, (error): Outcome<R> => {
      // The caller's bug (an uncloneable message, a detached buffer), not the actor's.
      if ((error as Error)?.name === "DataCloneError") return { type: "rejected", error: new RivuletError("invalid_request", `message cannot be sent to a worker: ${(error as Error).message}`) };
      return { type: "crashed", error: asError(error) };
    });
  }

  async stop(): Promise<void> {
    this.#ended = true;
    this.#heartbeat.stop();
    try {
      await Promise.race([this.#remote?.stop(), this.#exited]);
    } finally {
      await this.#terminate();
    }
  }

  kill(): Promise<void> {
    this.#ended = true;
    return this.#terminate();
  }

  /** Fault injection: ends the worker as a crash would; resolves once it is gone. */
  crash(): Promise<void> {
    this.#end(new Error(`fault injection: worker of actor ${this.#options.start.name} crashed`));
    return this.#terminate();
  }

  /** Fault injection: sends the worker into a busy loop. */
  hang(): void {
    this.#sendControl({ type: "hang" });
  }

  #connect(): void {
    const control = new MessageChannel();
    const data = new MessageChannel();
    this.#control = control.port1;
    this.#data = data.port1;
    this.#control.on("message", (message: ControlFromWorker) => this.#onControl(message));
    this.#remote = comlink.wrap<HostApi<M, R>>(comlinkEndpoint(data.port1));
    this.#receive = this.#remote.receive as unknown as (message: M) => Promise<ReplyData<R>>;
    const connect: HandshakeFromOwner = { type: "connect", control: control.port2, data: data.port2 };
    this.#worker.postMessage(connect, [control.port2, data.port2]);
    this.#heartbeat.start();
  }

  #onControl(message: ControlFromWorker): void {
    switch (message.type) {
      case "ready":
        this.#running = true;
        return this.#ready.resolve();
      case "start_failed":
      case "crashed":
        return this.#end(errorFromData(message.error));
      case "pong":
        return this.#heartbeat.pong();
      default: {
        const unknown: never = message;
        throw new Error(`unknown control message ${JSON.stringify(unknown)}`);
      }
    }
  }

  #sendControl(message: ControlToWorker): void {
    this.#control?.postMessage(message);
  }

  /** The first sign of death wins; later ones (the exit that follows terminate()) are ignored. */
  #end(error: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    void this.#terminate();
    if (this.#running) this.#onCrash(error);
    else this.#ready.reject(error);
  }

  #terminate(): Promise<void> {
    this.#heartbeat.stop();
    this.#terminated ??= (async () => {
      this.#control?.close();
      this.#data?.close();
      await Promise.race([Promise.resolve(this.#worker.terminate()).catch(() => {}), this.#exited]);
    })();
    return this.#terminated;
  }
}

function toOutcome<R>(answer: ReplyData<R>): Outcome<R> {
  switch (answer.type) {
    case "reply":
      return answer;
    case "rejected":
    case "crashed":
      return { type: answer.type, error: errorFromData(answer.error) };
    default: {
      const unknown: never = answer;
      throw new Error(`unknown reply ${JSON.stringify(unknown)}`);
    }
  }
}
