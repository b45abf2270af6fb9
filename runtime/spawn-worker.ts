import { fileURLToPath, pathToFileURL } from "node:url";
import { type ResourceLimits, Worker } from "node:worker_threads";
import { runtimeName } from "./runtime-name.ts";
import { workerBundle } from "./worker-bundle.ts";

/**
 * Starts a worker thread running the module at `moduleUrl` (TypeScript or JavaScript) on
 * Node, Bun or Deno. The module reads its own `data` from `workerData.data`.
 *
 * A `.js` module (the built package's workers) starts as it is on every runtime. Bun and Deno
 * import TypeScript themselves. Node starts a `.ts` module from a cached esbuild bundle (see worker-bundle.ts): no TypeScript loader runs in the
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
  const start = (url: URL | string, execArgv?: string[]): Worker => new Worker(url, { workerData, resourceLimits: options.resourceLimits, execArgv });
  const bootstrap = new URL("./worker-bootstrap.mjs", import.meta.url);
  if (!/\.[cm]?ts$/.test(workerData.moduleUrl)) return start(moduleUrl); // JavaScript (the built package): as it is, everywhere
  if (runtimeName !== "node") return start(bootstrap);
  const bundle = await workerBundle(fileURLToPath(moduleUrl));
  return bundle ? startBundle(pathToFileURL(bundle), start) : start(bootstrap);
}

/** The options bundled workers start with, once known to be accepted (per process). */
let bundleExecArgv: string[] | undefined;

/**
 * Starts a bundle with the parent's options minus tsx ({@link withoutTsx}). An explicit
 * `execArgv` may only hold per-thread options: Node refuses process-wide ones (V8 flags such as
 * `--max-old-space-size`, `--trace-gc`), naming them. Those apply to every thread anyway, so
 * they are dropped and the start retried; should that fail too, the worker inherits everything.
 */
function startBundle(url: URL, start: (url: URL, execArgv?: string[]) => Worker): Worker {
  let execArgv = bundleExecArgv ?? withoutTsx(process.execArgv);
  for (let attempt = 0; ; attempt++) {
    try {
      const worker = start(url, execArgv);
      bundleExecArgv = execArgv;
      return worker;
    } catch (error) {
      if ((error as { code?: string }).code !== "ERR_WORKER_INVALID_EXEC_ARGV") throw error;
      if (attempt > 0) return start(url);
      const refused = new Set((error as Error).message.replace(/^[^:]*:\s*/, "").split(/,\s*/));
      execArgv = execArgv.filter((arg) => !refused.has(arg));
    }
  }
}

/**
 * The process's Node options minus tsx's loader (`--import tsx`, or the `--require`/`--import`
 * pair the tsx CLI adds). A worker inherits its parent's options, so under `node --import tsx`
 * every worker registered tsx again, its own loader thread included: 8 workers took ~850 ms
 * instead of ~150 ms to boot on the benchmark machine. A bundle is plain JavaScript and needs
 * no loader; every other option (profiling, heap flags, other `--import`s) is kept.
 */
export function withoutTsx(execArgv: readonly string[]): string[] {
  const loaderFlags = new Set(["--import", "--require", "-r", "--loader", "--experimental-loader"]);
  const isTsx = (value: string) => /(^|[\\/])tsx($|[\\/])/.test(value) || value === "tsx/esm" || value === "tsx/cjs";
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    const eq = arg.indexOf("=");
    if (eq > 0 && loaderFlags.has(arg.slice(0, eq)) && isTsx(arg.slice(eq + 1))) continue;
    if (loaderFlags.has(arg) && i + 1 < execArgv.length && isTsx(execArgv[i + 1])) {
      i++;
      continue;
    }
    kept.push(arg);
  }
  return kept;
}
