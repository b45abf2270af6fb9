// Entry of every worker thread. Node cannot import .ts on its own, and `--import tsx` does
// not reach ESM workers, so on Node a .ts worker module is loaded through tsx's loader.
// Bun and Deno import TypeScript directly.
import { workerData } from "node:worker_threads";

const target = workerData.moduleUrl;
if (typeof globalThis.Bun === "undefined" && typeof globalThis.Deno === "undefined" && /\.[cm]?ts$/.test(target)) {
  const { register } = await import("tsx/esm/api");
  register();
}
await import(target);
