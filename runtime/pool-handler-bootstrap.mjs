// Entry of a piscina pool worker (processors/runtime/processor-pool.ts): piscina imports this
// file in each of its threads and calls its default export with every task. The handler module
// named by `workerData.handlerModuleUrl` may be TypeScript: Bun and Deno import it themselves;
// on Node, `--import tsx` does not reach worker threads, so tsx's loader is registered here
// first (only for a .ts module: the built package's .js handler starts as it is). Modules the
// handler imports later (a user's topology in .ts) load through the same loader, so the
// handler and the topology share one copy of every module they both import.
import { workerData } from "node:worker_threads";

const target = workerData.handlerModuleUrl;
if (typeof globalThis.Bun === "undefined" && typeof globalThis.Deno === "undefined" && (/\.[cm]?ts$/.test(target) || workerData.needsTypeScript)) {
  const { register } = await import("tsx/esm/api");
  register();
}
const handler = await import(target);
export default handler.default;
