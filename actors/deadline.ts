/**
 * A timer as a promise, for bounding a wait with `Promise.race`; cancel it once the wait is
 * over so it keeps nothing alive.
 *
 * @param ms how long until the promise resolves
 * @returns the promise and a `cancel()` that clears the timer (the promise then never resolves)
 * @example
 * ```ts
 * const deadline = afterMs(5_000);
 * const outcome = await Promise.race([work.then(() => "done" as const), deadline.promise.then(() => "late" as const)]);
 * deadline.cancel();
 * ```
 */
export function afterMs(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return { promise, cancel: () => clearTimeout(timer) };
}
