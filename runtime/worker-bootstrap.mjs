// Entry of a worker thread whose module Node cannot start as it is: on Bun and Deno, which
// import TypeScript themselves, and on Node when no esbuild bundle of a .ts module could be
// made (see spawn-worker.ts). `--import tsx` does not reach ESM workers, so on Node a .ts
// module is loaded through tsx's loader, registered here (slow: ~250-500 ms per worker).
import { workerData } from "node:worker_threads";

const target = workerData.moduleUrl;
if (typeof globalThis.Bun === "undefined" && typeof globalThis.Deno === "undefined" && /\.[cm]?ts$/.test(target)) {
  const { register } = await import("tsx/esm/api");
  register();
}
await import(target);
