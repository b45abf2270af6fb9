/**
 * Background upkeep, every `dsMaintenanceIntervalMs`: streams past their TTL or Expires-At are
 * expired (deleted, or soft-deleted while forks read them) even if nobody touches them again,
 * and changed streams get their state snapshot written (at most every `dsSnapshotIntervalMs`),
 * which bounds the log replay after a crash. One round at a time; stops when `signal` aborts.
 */
import type { StreamsContext } from "./options.ts";

/**
 * Runs one maintenance round.
 *
 * @param ctx the app context
 * @param flushAll write every changed snapshot now (shutdown)
 */
export async function maintain(ctx: StreamsContext, flushAll = false): Promise<void> {
  const now = ctx.clock.now();
  const work: Promise<void>[] = [];
  for (const state of ctx.registry.all()) {
    const path = state.meta.path;
    if (ctx.registry.isExpired(state, now)) work.push(ctx.registry.locks.run(path, () => ctx.registry.expire(state)));
    else if (state.dirty && !state.gone && (flushAll || now - state.snapshotMs >= ctx.limits.dsSnapshotIntervalMs)) {
      work.push(ctx.registry.locks.run(path, () => (state.gone ? undefined : ctx.registry.save(state))));
    }
  }
  await Promise.allSettled(work);
}

/**
 * Starts the periodic rounds.
 *
 * @returns a function that stops them
 */
export function startMaintenance(ctx: StreamsContext): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    maintain(ctx).catch(() => {}).finally(() => {
      running = false;
    });
  }, ctx.limits.dsMaintenanceIntervalMs);
  (timer as { unref?: () => void }).unref?.();
  const stop = () => clearInterval(timer);
  ctx.signal.addEventListener("abort", stop, { once: true });
  return stop;
}
