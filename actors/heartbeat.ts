/**
 * Pings a worker every `intervalMs` and reports it missing when no pong came back for
 * `timeoutMs`: a worker whose event loop is stuck (busy loop, runaway synchronous work) answers
 * no ping, though it neither exits nor errors. A miss is found within `timeoutMs + intervalMs`
 * (one interval more when the owner's own tick came late).
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
  #lastPongMs = 0;
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

  /** Starts pinging; the silence is counted from now. */
  start(): void {
    this.#lastPongMs = this.#lastTickMs = performance.now();
    this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
  }

  /** Records an answer. */
  pong(): void {
    this.#lastPongMs = performance.now();
  }

  /** Stops pinging. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * A tick that comes more than two intervals late means the owner itself was held up (a long
   * synchronous task, a loaded machine): the worker's pongs may be waiting in the owner's
   * queue behind this timer. Such a tick gives no verdict; the next one, after the queue had
   * its turn, does (never two deferrals in a row, so a constantly late owner still judges).
   */
  #tick(): void {
    const now = performance.now();
    const late = now - this.#lastTickMs > 2 * this.#intervalMs;
    this.#lastTickMs = now;
    const silentMs = now - this.#lastPongMs;
    if (silentMs > this.#timeoutMs && late && !this.#deferred) {
      this.#deferred = true;
      this.#ping(++this.#seq);
      return;
    }
    this.#deferred = false;
    if (silentMs > this.#timeoutMs) {
      this.stop();
      this.#onMissed(silentMs);
      return;
    }
    this.#ping(++this.#seq);
  }
}
