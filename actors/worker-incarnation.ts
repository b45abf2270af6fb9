import * as comlink from "comlink";
import process from "node:process";
import { MessageChannel, type MessagePort, type ResourceLimits, type Worker } from "node:worker_threads";
import { errorFromData, RivuletError } from "../core/errors.ts";
import { comlinkEndpoint } from "../runtime/comlink-endpoint.ts";
import { spawnWorker } from "../runtime/spawn-worker.ts";
import type { ActorMessage } from "./actor.ts";
import { Heartbeat } from "./heartbeat.ts";
import { asError, type Incarnation, type DeliveryOutcome } from "./incarnation.ts";
import { afterMs } from "./deadline.ts";
import { fenceOff, newFence } from "./worker-fence.ts";
import type { ControlFromWorker, ControlToWorker, HandshakeFromOwner, HandshakeFromWorker, HostApi, ReplyData, WorkerStartData } from "./worker-protocol.ts";

/** How to start one worker incarnation. */
export interface WorkerIncarnationOptions {
  moduleUrl: URL;
  /** Start-up data, without the fence (each incarnation gets its own). */
  start: Omit<WorkerStartData, "fence">;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  /** Longest wait from spawning the worker to its hand-shake. */
  startTimeoutMs: number;
  /** Longest wait for the actor's `stop()` in a graceful stop. */
  stopTimeoutMs: number;
  /** Longest wait for the worker to exit once terminated; then it is abandoned. */
  terminateTimeoutMs: number;
  resourceLimits?: ResourceLimits;
}

/**
 * One life of a worker actor: its own worker thread, a control port for heartbeats and a data
 * port for comlink calls. Any sign of death (exit, error, missed heartbeats, no hand-shake in
 * time, an assertion in `receive`) ends it at once: the worker is fenced off from its actor,
 * terminated, and the owner told through `onCrash`.
 *
 * Every wait is bounded, so a worker can never wedge its owner: the hand-shake by
 * `startTimeoutMs`, a graceful stop by `stopTimeoutMs` (and by the heartbeat, which keeps
 * running while the actor stops), the exit after `terminate()` by `terminateTimeoutMs`. A worker
 * that does not exit in time (a thread blocked in a system call; Bun has lost terminations of
 * busy workers) is abandoned: unref'd, so it cannot keep the process alive, and fenced (see
 * worker-fence.ts), so if it ever runs again it serves nothing and exits.
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
  readonly #fence: Int32Array;
  readonly #exited: Promise<void>;
  /** Resolves at the first sign of death, also during a graceful stop. */
  readonly #dead: Promise<void>;
  #markDead!: () => void;
  #startTimer: ReturnType<typeof setTimeout> | undefined;
  #control: MessagePort | undefined;
  #data: MessagePort | undefined;
  #remote: comlink.Remote<HostApi<M, R>> | undefined;
  /** `remote.receive`, looked up once: each lookup makes a new comlink proxy. */
  #receive: ((message: M) => Promise<ReplyData<R>>) | undefined;
  #running = false;
  /** The thread ended by itself; the crash is told once its queued replies are in (see #died). */
  #dying = false;
  /** Resolves once the data port has closed: every message the worker posted was dispatched. */
  #dataClosed: Promise<void> | undefined;
  /** No more deliveries; a death from now on is nobody's news. */
  #ended = false;
  #terminated: Promise<void> | undefined;
  /** Callers of hang() waiting for the worker to say it spins. */
  #hanging: Array<() => void> | undefined;

  /**
   * Starts a worker and resolves once its actor's `start()` finished.
   * @param options module, start-up data, heartbeat timing, time bounds
   * @param onCrash told about a crash found after the start
   * @returns the running incarnation; rejects with the reason it could not start
   */
  static async start<M extends ActorMessage, R>(options: WorkerIncarnationOptions, onCrash: (error: Error) => void): Promise<WorkerIncarnation<M, R>> {
    const fence = newFence();
    const worker = await spawnWorker(options.moduleUrl, { ...options.start, fence: fence.buffer } satisfies WorkerStartData, { resourceLimits: options.resourceLimits });
    return new Promise((resolve, reject) => {
      const incarnation: WorkerIncarnation<M, R> = new WorkerIncarnation(options, worker, fence, onCrash, {
        resolve: () => resolve(incarnation),
        reject,
      });
    });
  }

  private constructor(options: WorkerIncarnationOptions, worker: Worker, fence: Int32Array, onCrash: (error: Error) => void, ready: { resolve(): void; reject(error: Error): void }) {
    this.#options = options;
    this.#worker = worker;
    this.#fence = fence;
    this.#onCrash = onCrash;
    this.#ready = ready;
    this.#dead = new Promise((resolve) => (this.#markDead = resolve));
    const name = options.start.name;
    const timing = { intervalMs: options.heartbeatIntervalMs, timeoutMs: options.heartbeatTimeoutMs };
    this.#heartbeat = new Heartbeat(timing, (seq) => this.#sendControl({ type: "ping", seq }), (silentMs) => {
      this.#fail(new Error(`worker of actor ${name} missed heartbeats for ${Math.round(silentMs)} ms`));
    });
    this.#exited = new Promise((resolve) => worker.once("exit", (code: number) => {
      resolve();
      this.#died(new Error(`worker of actor ${name} exited with code ${code}`));
    }));
    worker.on("error", (error: unknown) => this.#died(asError(error)));
    worker.on("message", (message: HandshakeFromWorker) => {
      if (message?.type === "hello" && !this.#control && !this.#ended) this.#connect();
    });
    this.#startTimer = setTimeout(() => this.#fail(new Error(`worker of actor ${name} did not start within ${options.startTimeoutMs} ms`)), options.startTimeoutMs);
  }

  deliver(message: M, transfer: Transferable[]): Promise<DeliveryOutcome<R>> {
    if (this.#ended || !this.#receive) return Promise.resolve({ type: "crashed", error: new Error("worker is gone") });
    const payload = transfer.length > 0 ? comlink.transfer(message, transfer) : message;
    return this.#receive(payload).then(toOutcome, (error): DeliveryOutcome<R> => {
      // The caller's bug (an uncloneable message, a detached buffer), not the actor's.
      if ((error as Error)?.name === "DataCloneError") return { type: "rejected", error: new RivuletError("invalid_request", `message cannot be sent to a worker: ${(error as Error).message}`) };
      return { type: "crashed", error: asError(error) };
    });
  }

  async stop(): Promise<void> {
    if (this.#ended) return this.#terminate();
    this.#ended = true; // the heartbeat keeps running: a worker that hangs in stop() is found
    const deadline = afterMs(this.#options.stopTimeoutMs);
    try {
      await Promise.race([this.#remote?.stop(), this.#dead, deadline.promise]);
    } finally {
      deadline.cancel();
      await this.#terminate();
    }
  }

  kill(): Promise<void> {
    this.#ended = true;
    return this.#terminate();
  }

  /** Fault injection: ends the worker as a crash would; resolves once it is gone (or abandoned). */
  crash(): Promise<void> {
    this.#fail(new Error(`fault injection: worker of actor ${this.#options.start.name} crashed`));
    return this.#terminate();
  }

  /** Fault injection: sends the worker into a busy loop; resolves once it spins (or is gone). */
  hang(): Promise<void> {
    const spinning = new Promise<void>((resolve) => (this.#hanging ??= []).push(resolve));
    this.#sendControl({ type: "hang" });
    return Promise.race([spinning, this.#dead]);
  }

  #connect(): void {
    clearTimeout(this.#startTimer);
    const control = new MessageChannel();
    const data = new MessageChannel();
    this.#control = control.port1;
    this.#data = data.port1;
    this.#control.on("message", (message: ControlFromWorker) => this.#onControl(message));
    // Listened for from the start: a worker that exits may close it before its exit event.
    this.#dataClosed = new Promise((resolve) => data.port1.once("close", () => resolve()));
    this.#remote = comlink.wrap<HostApi<M, R>>(comlinkEndpoint(data.port1));
    this.#receive = this.#remote.receive as unknown as (message: M) => Promise<ReplyData<R>>;
    const connect: HandshakeFromOwner = { type: "connect", control: control.port2, data: data.port2 };
    this.#worker.postMessage(connect, [control.port2, data.port2]);
    this.#heartbeat.start();
  }

  #onControl(message: ControlFromWorker): void {
    switch (message.type) {
      case "ready":
        if (this.#ended) return;
        this.#running = true;
        return this.#ready.resolve();
      case "start_failed":
      case "crashed":
        return this.#fail(errorFromData(message.error));
      case "pong":
        return this.#heartbeat.pong();
      case "hanging":
        for (const resolve of this.#hanging?.splice(0) ?? []) resolve();
        return;
      default: {
        const unknown: never = message;
        throw new Error(`unknown control message ${JSON.stringify(unknown)}`);
      }
    }
  }

  #sendControl(message: ControlToWorker): void {
    this.#control?.postMessage(message);
  }

  /**
   * The worker thread ended by itself (an uncaught error, an exit). Replies it posted before it
   * died are still queued on the data port, and the runtimes do not order the worker's `error`
   * and `exit` events after them (Deno, loaded, often delivered the error first): failing the
   * asks in flight at once would turn answered asks into `actor_restarting`. So the crash is
   * reported once the data port has closed, which every runtime signals after the messages
   * queued before it, bounded by `terminateTimeoutMs`; the first sign's error is the one told.
   */
  #died(error: Error): void {
    if (this.#ended || !this.#dataClosed) return this.#fail(error);
    if (this.#dying) return;
    this.#dying = true;
    this.#markDead(); // a graceful stop need not wait for the dead worker's stop()
    this.#heartbeat.stop(); // a dead thread answers no pings; its error is the news
    const deadline = afterMs(this.#options.terminateTimeoutMs);
    void Promise.race([this.#dataClosed, deadline.promise]).then(() => {
      deadline.cancel();
      // A macrotask: the promise chains of replies dispatched just before `close` settle first.
      setTimeout(() => this.#fail(error), 0);
    });
  }

  /** The first sign of death wins; later ones (the exit that follows terminate()) are ignored. */
  #fail(error: Error): void {
    this.#markDead();
    if (this.#ended) return;
    this.#ended = true;
    const terminated = this.#terminate();
    if (this.#running) this.#onCrash(error);
    else void terminated.then(() => this.#ready.reject(error)); // no replacement before it is gone
  }

  /** Fences the worker off, terminates it and waits, at most `terminateTimeoutMs`, for its exit. */
  #terminate(): Promise<void> {
    fenceOff(this.#fence);
    clearTimeout(this.#startTimer);
    this.#heartbeat.stop();
    this.#markDead();
    this.#terminated ??= (async () => {
      this.#control?.close(); // the worker exits by itself when it sees this
      this.#data?.close();
      const exited = Promise.race([Promise.resolve(this.#worker.terminate()).catch(() => {}), this.#exited]);
      const deadline = afterMs(this.#options.terminateTimeoutMs);
      const outcome = await Promise.race([exited.then(() => "exited" as const), deadline.promise.then(() => "abandoned" as const)]);
      deadline.cancel();
      if (outcome === "abandoned") {
        this.#worker.unref();
        process.emitWarning(`worker of actor ${this.#options.start.name} did not exit within ${this.#options.terminateTimeoutMs} ms of terminate(); abandoned (fenced and unref'd)`);
      }
    })();
    return this.#terminated;
  }
}

function toOutcome<R>(answer: ReplyData<R>): DeliveryOutcome<R> {
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
