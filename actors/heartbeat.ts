/**
 * Pings a worker every `intervalMs` and reports it missing when a ping stayed unanswered for
 * `timeoutMs`: a worker whose event loop is stuck (busy loop, runaway synchronous work) answers
 * no ping, though it neither exits nor errors. Silence is counted from the oldest ping not yet
 * answered, not from the last pong: while the owner itself is held up (a long synchronous task,
 * a loaded machine) it sends no pings, and the worker is not blamed for that time; each ping
 * gets the whole `timeoutMs`. A stuck worker is found within `timeoutMs + 2 × intervalMs` (one
 * interval more when the owner's own tick came late).
 * Not thread-safe: lives with the worker's owner.
 *
 * @example
 * ```ts
 * const heartbeat = new Heartbeat({ intervalMs: 500, timeoutMs: 2_000 },
 *   (seq) => control.postMessage({ type: "ping", seq }), () => worker.terminate());
 * control.on("message", (m) => m.type === "pong" && heartbeat.pong());
 * ```
 */
export class Heartbeat {
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #ping: (seq: number) => void;
  readonly #onMissed: (silentMs: number) => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  #seq = 0;
  /** When the oldest ping still unanswered was sent; undefined when every ping was answered. */
  #waitingSinceMs: number | undefined;
  #lastTickMs = 0;
  /** The previous tick came late and gave no verdict. */
  #deferred = false;

  /**
   * @param timing ping interval and the silence that counts as dead
   * @param ping sends ping number `seq`
   * @param onMissed called once when the worker stayed silent too long
   * @throws {TypeError} unless 0 < intervalMs < timeoutMs
   */
  constructor(timing: { intervalMs: number; timeoutMs: number }, ping: (seq: number) => void, onMissed: (silentMs: number) => void) {
    if (!(timing.intervalMs > 0 && timing.intervalMs < timing.timeoutMs)) throw new TypeError("heartbeat interval must be positive and below its timeout");
    this.#intervalMs = timing.intervalMs;
    this.#timeoutMs = timing.timeoutMs;
    this.#ping = ping;
    this.#onMissed = onMissed;
  }

  /** Starts pinging, the first ping after one interval. */
  start(): void {
    this.#lastTickMs = performance.now();
    this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
  }

  /** Records an answer: the worker's loop runs. */
  pong(): void {
    this.#waitingSinceMs = undefined;
  }

  /** Stops pinging. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #send(now: number): void {
    this.#waitingSinceMs ??= now;
    this.#ping(++this.#seq);
  }

  /**
   * A tick that comes more than two intervals late means the owner itself was held up: the
   * worker's pongs may be waiting in the owner's queue behind this timer. Such a tick gives no
   * verdict; the next one, after the queue had its turn, does (never two deferrals in a row, so
   * a constantly late owner still judges).
   */
  #tick(): void {
    const now = performance.now();
    const late = now - this.#lastTickMs > 2 * this.#intervalMs;
    this.#lastTickMs = now;
    const silentMs = this.#waitingSinceMs === undefined ? 0 : now - this.#waitingSinceMs;
    if (silentMs > this.#timeoutMs && late && !this.#deferred) {
      this.#deferred = true;
      this.#send(now);
      return;
    }
    this.#deferred = false;
    if (silentMs > this.#timeoutMs) {
      this.stop();
      this.#onMissed(silentMs);
      return;
    }
    this.#send(now);
  }
}
