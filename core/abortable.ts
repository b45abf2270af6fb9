import { RivuletError } from "./errors.ts";

/**
 * Settles with `promise`, or rejects with `closed` as soon as `signal` aborts (the client went
 * away or the server is shutting down), without waiting for a long-poll the broker may still
 * be holding.
 *
 * @param promise the operation
 * @param signal gives up on the operation
 * @returns the operation's result
 * @throws {RivuletError} `closed` once aborted
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(new RivuletError("closed", "the request was given up: client gone or server shutting down"));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new RivuletError("closed", "the request was given up: client gone or server shutting down"));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Resolves after `ms`, or as soon as `signal` aborts (never rejects): for delays a request
 * should not outlive, such as a throttle's pause or a long-poll's wait.
 *
 * @param ms how long to wait
 * @param signal ends the wait early
 */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
