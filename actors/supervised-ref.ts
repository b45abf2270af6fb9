import { type Clock, systemClock } from "../core/clock.ts";
import { RivuletError } from "../core/errors.ts";
import { defaultLimits } from "../core/limits.ts";
import type { ActorMessage } from "./actor.ts";
import type { ActorRef, ActorStatus, AskOptions } from "./actor-ref.ts";
import type { CreateIncarnation, Incarnation, DeliveryOutcome } from "./incarnation.ts";
import { RestartPolicy, type SupervisionOptions } from "./supervision.ts";

/** The limits one supervised ref enforces; defaults come from `core/limits.ts`. */
export interface RefLimits {
  /** In-flight plus queued messages. */
  mailboxCapacity: number;
  /** Messages held while the actor (re)starts. */
  restartQueueRequestsMax: number;
  /** How long an ask waits for a (re)start before `actor_restarting`. */
  restartWaitMs: number;
  /** Default ask timeout. */
  askTimeoutMs: number;
  /** How long `stop()` waits for in-flight messages before it fails them and stops anyway. */
  stopDrainMs: number;
}

interface Envelope<M, R> {
  message: M;
  transfer: Transferable[];
  /** Absent for a tell. */
  reply?: { resolve(value: R): void; reject(error: Error): void };
  timer?: ReturnType<typeof setTimeout>;
  waitTimer?: ReturnType<typeof setTimeout>;
  /** The caller has its answer (or error); a late outcome is ignored. */
  done: boolean;
}

/**
 * The {@link ActorRef} behind every actor: a bounded mailbox in front of a succession of
 * incarnations, restarted with backoff when one crashes. Messages sent while the actor (re)starts
 * wait, bounded in number and time; asks in flight at a crash fail with the retriable
 * `actor_restarting`; past the restart budget every ask fails with `actor_failed`.
 * Not thread-safe: lives on the thread that spawned the actor.
 *
 * @example
 * ```ts
 * const ref = new SupervisedRef("counter", (self) => startLocalIncarnation(() => new Counter(), "serial", self));
 * await ref.ask({ type: "get" });
 * ```
 */
export class SupervisedRef<M extends ActorMessage, R> implements ActorRef<M, R> {
  readonly name: string;
  readonly #create: CreateIncarnation<M, R>;
  readonly #limits: RefLimits;
  readonly #policy: RestartPolicy;
  readonly #onStatus: SupervisionOptions["onStatus"];
  #status: ActorStatus = "starting";
  #incarnation: Incarnation<M, R> | undefined;
  /** Bumped whenever the current incarnation ends, so late news from it is ignored. */
  #generation = 0;
  #waiting: Envelope<M, R>[] = [];
  #inFlight = new Set<Envelope<M, R>>();
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #drainTimer: ReturnType<typeof setTimeout> | undefined;
  #stopping: { promise: Promise<void>; resolve(): void } | undefined;
  #started: { promise: Promise<void>; resolve(): void; reject(error: Error): void };

  /**
   * @param name the actor's name
   * @param create makes one incarnation
   * @param options limits, supervision and clock
   */
  constructor(
    name: string,
    create: CreateIncarnation<M, R>,
    options: { limits?: Partial<RefLimits>; supervision?: SupervisionOptions; clock?: Clock } = {},
  ) {
    this.name = name;
    this.#create = create;
    this.#limits = {
      mailboxCapacity: options.limits?.mailboxCapacity ?? defaultLimits.mailboxMessagesMax,
      restartQueueRequestsMax: options.limits?.restartQueueRequestsMax ?? defaultLimits.restartQueueRequestsMax,
      restartWaitMs: options.limits?.restartWaitMs ?? defaultLimits.restartWaitMs,
      askTimeoutMs: options.limits?.askTimeoutMs ?? defaultLimits.askTimeoutMs,
      stopDrainMs: options.limits?.stopDrainMs ?? options.limits?.askTimeoutMs ?? defaultLimits.askTimeoutMs,
    };
    if (!(this.#limits.mailboxCapacity >= 1)) throw new TypeError("mailboxCapacity must be at least 1");
    this.#policy = new RestartPolicy(options.supervision, options.clock ?? systemClock);
    this.#onStatus = options.supervision?.onStatus;
    let settle!: { resolve(): void; reject(error: Error): void };
    const promise = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    promise.catch(() => {}); // only awaited by those who ask for it
    this.#started = { promise, ...settle };
    queueMicrotask(() => this.#startIncarnation());
  }

  /** Resolves when the actor first runs; rejects with `actor_failed` if it never does. */
  get started(): Promise<void> {
    return this.#started.promise;
  }

  status(): ActorStatus {
    return this.#status;
  }

  tell(message: M): void {
    this.#admit({ message, transfer: [], done: false });
  }

  ask(message: M, options: AskOptions = {}): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const envelope: Envelope<M, R> = { message, transfer: options.transfer ?? [], reply: { resolve, reject }, done: false };
      const timeoutMs = options.timeoutMs ?? this.#limits.askTimeoutMs;
      envelope.timer = setTimeout(() => this.#expire(envelope, timeoutMs), timeoutMs);
      try {
        this.#admit(envelope);
      } catch (error) {
        this.#finish(envelope, { type: "rejected", error: error as Error });
      }
    });
  }

  stop(): Promise<void> {
    if (this.#stopping) return this.#stopping.promise;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.#stopping = { promise, resolve };
    if (this.#status === "failed" || this.#status === "stopped") resolve();
    else if (this.#status === "restarting") this.#end("stopped", new RivuletError("closed", `actor ${this.name} stopped while restarting`));
    else {
      this.#drainTimer = setTimeout(() => this.#giveUpDraining(), this.#limits.stopDrainMs);
      this.#maybeFinishStop();
    }
    return promise;
  }

  #admit(envelope: Envelope<M, R>): void {
    if (this.#status === "failed") throw new RivuletError("actor_failed", `actor ${this.name} failed`, { actor: this.name });
    if (this.#stopping) throw new RivuletError("closed", `actor ${this.name} is stopping`, { actor: this.name });
    const used = this.#waiting.length + this.#inFlight.size;
    const { mailboxCapacity, restartQueueRequestsMax, restartWaitMs } = this.#limits;
    if (used >= mailboxCapacity) {
      throw new RivuletError("mailbox_full", `mailbox of actor ${this.name} is full`, { actor: this.name, mailboxCapacity });
    }
    if (this.#status === "running") return this.#send(envelope);
    if (this.#waiting.length >= restartQueueRequestsMax) {
      throw new RivuletError("mailbox_full", `actor ${this.name} is restarting and holds enough`, { actor: this.name, restartQueueRequestsMax });
    }
    // A tell cannot be told it waited too long, so only asks are bounded in time.
    if (envelope.reply) envelope.waitTimer = setTimeout(() => this.#giveUpWaiting(envelope), restartWaitMs);
    this.#waiting.push(envelope);
  }

  #send(envelope: Envelope<M, R>): void {
    const generation = this.#generation;
    this.#inFlight.add(envelope);
    this.#incarnation!.deliver(envelope.message, envelope.transfer).then((outcome) => {
      if (generation !== this.#generation) return; // that life ended; the envelope was answered then
      this.#inFlight.delete(envelope);
      if (outcome.type === "crashed") {
        this.#inFlight.add(envelope); // fails with the rest of the flight
        this.#crash(generation, outcome.error);
        return;
      }
      this.#finish(envelope, outcome);
      this.#maybeFinishStop();
    });
  }

  #finish(envelope: Envelope<M, R>, outcome: DeliveryOutcome<R>): void {
    clearTimeout(envelope.timer);
    clearTimeout(envelope.waitTimer);
    if (envelope.done) return;
    envelope.done = true;
    if (!envelope.reply) return; // a tell's answer and expected errors have nobody to go to
    if (outcome.type === "reply") envelope.reply.resolve(outcome.value);
    else envelope.reply.reject(outcome.error);
  }

  #expire(envelope: Envelope<M, R>, timeoutMs: number): void {
    const at = this.#waiting.indexOf(envelope);
    if (at >= 0) this.#waiting.splice(at, 1);
    // An in-flight ask keeps its mailbox slot until the actor is done with it.
    this.#finish(envelope, { type: "rejected", error: new RivuletError("timeout", `ask to actor ${this.name} timed out after ${timeoutMs} ms`, { actor: this.name, timeoutMs }) });
  }

  #giveUpWaiting(envelope: Envelope<M, R>): void {
    const at = this.#waiting.indexOf(envelope);
    if (at >= 0) this.#waiting.splice(at, 1);
    const { restartWaitMs } = this.#limits;
    this.#finish(envelope, { type: "rejected", error: new RivuletError("actor_restarting", `actor ${this.name} did not come back within ${restartWaitMs} ms`, { actor: this.name, restartWaitMs }) });
  }

  /** Stopping, past `stopDrainMs`: messages the actor has not answered fail, and it stops. */
  #giveUpDraining(): void {
    const { stopDrainMs } = this.#limits;
    const error = new RivuletError("closed", `actor ${this.name} stopped before answering, after ${stopDrainMs} ms`, { actor: this.name, stopDrainMs });
    for (const envelope of [...this.#waiting, ...this.#inFlight]) this.#finish(envelope, { type: "rejected", error });
    this.#waiting = [];
    this.#inFlight.clear();
    this.#maybeFinishStop();
  }

  #startIncarnation(): void {
    const generation = this.#generation;
    const onCrash = (error: Error): void => this.#crash(generation, error);
    this.#create(this, onCrash).then(
      (incarnation) => {
        if (generation !== this.#generation) return void incarnation.kill().catch(() => {});
        this.#incarnation = incarnation;
        this.#setStatus("running", {});
        this.#started.resolve();
        for (const envelope of this.#waiting.splice(0)) {
          clearTimeout(envelope.waitTimer);
          this.#send(envelope);
        }
        this.#maybeFinishStop();
      },
      (error: Error) => this.#crash(generation, error),
    );
  }

  #crash(generation: number, error: Error): void {
    if (generation !== this.#generation) return; // already handled
    if (this.#stopping) return this.#end("stopped", new RivuletError("closed", `actor ${this.name} crashed while stopping`, { actor: this.name, cause: error.message }));
    this.#generation++;
    const crashed = this.#incarnation;
    this.#incarnation = undefined;
    // The replacement waits for the old life to be gone; kill() is bounded, so this wait is too.
    const gone = crashed ? crashed.kill().catch(() => {}) : Promise.resolve();
    const retry = new RivuletError("actor_restarting", `actor ${this.name} crashed: ${error.message}`, { actor: this.name, cause: error.message });
    for (const envelope of this.#inFlight) this.#finish(envelope, { type: "rejected", error: retry });
    this.#inFlight.clear();
    const decision = this.#policy.onCrash();
    if (decision.type === "fail") {
      return this.#end("failed", new RivuletError("actor_failed", `actor ${this.name} failed: ${decision.restarts} crashes within the restart window; last: ${error.message}`, { actor: this.name, restarts: decision.restarts }), error);
    }
    this.#setStatus("restarting", { restarts: decision.restarts, error });
    const life = this.#generation;
    this.#restartTimer = setTimeout(() => void gone.then(() => life === this.#generation && this.#startIncarnation()), decision.delayMs);
  }

  /** Ends for good: every waiting and in-flight message fails with `error`. */
  #end(status: "failed" | "stopped", error: RivuletError, cause?: Error): void {
    this.#generation++;
    clearTimeout(this.#restartTimer);
    clearTimeout(this.#drainTimer);
    this.#incarnation?.kill().catch(() => {});
    this.#incarnation = undefined;
    for (const envelope of [...this.#waiting, ...this.#inFlight]) this.#finish(envelope, { type: "rejected", error });
    this.#waiting = [];
    this.#inFlight.clear();
    this.#setStatus(status, { restarts: this.#policy.restarts, error: cause });
    this.#started.reject(error);
    this.#stopping?.resolve();
  }

  #maybeFinishStop(): void {
    if (!this.#stopping || this.#status !== "running") return;
    if (this.#waiting.length > 0 || this.#inFlight.size > 0) return;
    const incarnation = this.#incarnation!;
    this.#generation++;
    this.#incarnation = undefined;
    const stopping = this.#stopping;
    clearTimeout(this.#drainTimer);
    const done = (): void => {
      this.#setStatus("stopped", { restarts: this.#policy.restarts });
      stopping.resolve();
    };
    incarnation.stop().then(done, done);
  }

  #setStatus(status: ActorStatus, detail: { restarts?: number; error?: Error }): void {
    this.#status = status;
    if (!this.#onStatus) return;
    try {
      this.#onStatus(status, { restarts: detail.restarts ?? this.#policy.restarts, error: detail.error });
    } catch (error) {
      queueMicrotask(() => {
        throw error; // a bug in the observer, not in the actor
      });
    }
  }
}
