import { fileURLToPath, pathToFileURL } from "node:url";
import { type ResourceLimits, Worker } from "node:worker_threads";
import { runtimeName } from "./runtime-name.ts";
import { workerBundle } from "./worker-bundle.ts";

/**
 * Starts a worker thread running the module at `moduleUrl` (TypeScript or JavaScript) on
 * Node, Bun or Deno. The module reads its own `data` from `workerData.data`.
 *
 * Bun and Deno import TypeScript themselves. Node starts a `.js` module as it is and a `.ts`
 * one from a cached esbuild bundle (see worker-bundle.ts): no TypeScript loader runs in the
 * worker, so it starts in tens of milliseconds rather than hundreds. Only where no bundle can
 * be made does Node fall back to registering tsx inside the worker (worker-bootstrap.mjs).
 *
 * @param moduleUrl absolute `file:` URL of the worker module
 * @param data structured-cloneable start-up data for the module
 * @param options `resourceLimits` (heap sizes) where the runtime honours them
 * @returns the `node:worker_threads` Worker, started
 * @example
 * ```ts
 * const worker = await spawnWorker(new URL("./echo-worker.ts", import.meta.url), { greeting: "hi" });
 * worker.on("message", console.log);
 * ```
 */
export async function spawnWorker(moduleUrl: URL | string, data: unknown = null, options: { resourceLimits?: ResourceLimits } = {}): Promise<Worker> {
  const workerData = { moduleUrl: String(moduleUrl), data };
  const start = (url: URL | string): Worker => new Worker(url, { workerData, resourceLimits: options.resourceLimits });
  const bootstrap = new URL("./worker-bootstrap.mjs", import.meta.url);
  if (runtimeName !== "node" || !/\.[cm]?ts$/.test(workerData.moduleUrl)) return start(runtimeName === "node" ? moduleUrl : bootstrap);
  const bundle = await workerBundle(fileURLToPath(moduleUrl));
  return start(bundle ? pathToFileURL(bundle) : bootstrap);
}
