/**
 * Pings a worker every `intervalMs` and reports it missing when no pong came back for
 * `timeoutMs`: a worker whose event loop is stuck (busy loop, runaway synchronous work) answers
 * no ping, though it neither exits nor errors. A miss is found within `timeoutMs + intervalMs`.
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
    this.#lastPongMs = performance.now();
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

  #tick(): void {
    const silentMs = performance.now() - this.#lastPongMs;
    if (silentMs > this.#timeoutMs) {
      this.stop();
      this.#onMissed(silentMs);
      return;
    }
    this.#ping(++this.#seq);
  }
}
