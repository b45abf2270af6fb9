/**
 * The piscina pool an app's tasks run on, with task routing: every request carries its task's
 * partition number (piscina's queue options, read by the load balancer hook), and the balancer
 * sends all of a task's requests to the same worker thread, so the task's stores stay warm
 * there. A task is placed on the live worker hosting the fewest tasks the first time it is seen,
 * and again when its worker has died (piscina starts a replacement); the worker it lands on
 * answers `stale` and the runtime restores the task there.
 *
 * Concurrency: used from the main thread only.
 */
import { Piscina } from "piscina";
import { withoutTsx } from "../../runtime/spawn-worker.ts";
import { RivuletError, errorFromData } from "../../core/errors.ts";
import { QUEUE_OPTIONS, type PoolReply, type PoolRequest } from "./pool-protocol.ts";

type LoadBalancer = NonNullable<NonNullable<ConstructorParameters<typeof Piscina>[0]>["loadBalancer"]>;
type BalancedTask = Parameters<LoadBalancer>[0];
type BalancedWorker = Parameters<LoadBalancer>[1][number];

/** Options of a {@link ProcessorPool}. */
export interface ProcessorPoolOptions {
  /** Worker threads (fixed). */
  workers: number;
  /** The topology module: whether it is TypeScript decides the workers' loader on Node. */
  moduleUrl: string;
}

/** A pool request's outcome as the runtime sees it. */
export type PoolOutcome<R> = { kind: "ok"; reply: R } | { kind: "stale" } | { kind: "worker_died"; error: Error };

/**
 * @example
 * ```ts
 * const pool = new ProcessorPool({ workers: 2, moduleUrl });
 * const outcome = await pool.run({ op: "tick", partition: 0, epoch: 1, nowMs: Date.now() });
 * await pool.close();
 * ```
 */
export class ProcessorPool {
  readonly #pool: Piscina;
  /** Task partition → worker thread id. */
  readonly #routes = new Map<number, number>();

  constructor(options: ProcessorPoolOptions) {
    // Literal URLs: the package build (bench/package/build.mjs) points them at the built files.
    const handlerModuleUrl = new URL("./pool-worker.ts", import.meta.url).href;
    this.#pool = new Piscina({
      filename: new URL("../../runtime/pool-handler-bootstrap.mjs", import.meta.url).href,
      minThreads: options.workers,
      maxThreads: options.workers,
      idleTimeout: Infinity,
      // Each worker takes requests for several tasks; piscina's own queue stays the fallback
      // for requests made while no worker is alive.
      concurrentTasksPerWorker: 1024,
      maxQueue: Infinity,
      execArgv: withoutTsx(process.execArgv),
      workerData: { handlerModuleUrl, needsTypeScript: /\.[cm]?ts$/.test(options.moduleUrl) },
      loadBalancer: (task, workers) => this.#route(task, workers),
    });
    // A worker that dies fails its requests (seen by run()); with none in flight piscina
    // reports it here. Either way the pool starts a replacement.
    this.#pool.on("error", () => {});
  }

  /** Thread ids of the live workers. */
  threadIds(): number[] {
    return this.#pool.threads.map((w) => w.threadId);
  }

  /** The worker a task is routed to, if placed. */
  workerOf(partition: number): number | undefined {
    return this.#routes.get(partition);
  }

  /** Ends a worker thread abruptly, as a crash would (fault drills and tests). */
  async terminateWorker(threadId: number): Promise<boolean> {
    const worker = this.#pool.threads.find((w) => w.threadId === threadId);
    if (!worker) return false;
    await worker.terminate();
    return true;
  }

  /** Forgets a task's placement (its task was closed). */
  unroute(partition: number): void {
    this.#routes.delete(partition);
  }

  /**
   * Sends a request to the task's worker.
   *
   * @param transfer buffers moved to the worker (the request's record batch)
   * @returns the reply; `stale` when the worker does not hold the task's incarnation; `worker_died` when the thread ended with the request in flight
   * @throws the task's own error, rebuilt (a RivuletError keeps its code)
   */
  async run<R extends PoolReply & { ok: true }>(request: PoolRequest, transfer: ArrayBuffer[] = []): Promise<PoolOutcome<R>> {
    let reply: PoolReply;
    try {
      reply = await this.#pool.run({ ...request, [QUEUE_OPTIONS]: { partition: request.partition } }, { transferList: transfer as never });
    } catch (error) {
      if (this.#routes.get(request.partition) !== undefined && !this.threadIds().includes(this.#routes.get(request.partition)!)) return { kind: "worker_died", error: error as Error };
      throw error;
    }
    if (reply.ok === "stale") return { kind: "stale" };
    if (reply.ok === false) throw errorFromData(reply.error);
    return { kind: "ok", reply: reply as R };
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }

  #route(task: BalancedTask, workers: BalancedWorker[]): BalancedWorker | null {
    const live = workers.filter((w) => !w.terminating && !w.destroyed);
    if (live.length === 0) return null;
    const partition = ((task as unknown as Record<symbol, unknown>)[QUEUE_OPTIONS] as { partition?: number } | null)?.partition;
    if (partition === undefined) return live[0];
    const placed = this.#routes.get(partition);
    const current = live.find((w) => w.id === placed);
    if (current) return current;
    const load = new Map<number, number>(live.map((w) => [w.id, 0]));
    for (const id of this.#routes.values()) if (load.has(id)) load.set(id, load.get(id)! + 1);
    let chosen = live[0];
    for (const w of live) if (load.get(w.id)! < load.get(chosen.id)!) chosen = w;
    this.#routes.set(partition, chosen.id);
    return chosen;
  }
}

/** Raised when a topology's task threw: the app stops with it. */
export function taskFailed(partition: number, error: unknown): RivuletError {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof RivuletError ? error.code : "actor_failed";
  return new RivuletError(code, `task ${partition} failed: ${message}`, { partition });
}
