import { type ResourceLimits, Worker } from "node:worker_threads";

/**
 * Starts a worker thread running the module at `moduleUrl` (TypeScript or JavaScript) on
 * Node, Bun or Deno. The module reads its own `data` from `workerData.data`.
 *
 * @param moduleUrl absolute `file:` URL of the worker module
 * @param data structured-cloneable start-up data for the module
 * @param options `resourceLimits` (heap sizes) where the runtime honours them
 * @returns the `node:worker_threads` Worker
 */
export function spawnWorker(moduleUrl: URL | string, data: unknown = null, options: { resourceLimits?: ResourceLimits } = {}): Worker {
  const bootstrap = new URL("./worker-bootstrap.mjs", import.meta.url);
  return new Worker(bootstrap, { workerData: { moduleUrl: String(moduleUrl), data }, resourceLimits: options.resourceLimits });
}
