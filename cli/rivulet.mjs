#!/usr/bin/env node
// The `rivulet` command from a checkout's sources. Node cannot run TypeScript on its own, so
// there it loads tsx's loader first; Bun and Deno run the TypeScript directly. The package's
// command is the built dist/cli/bin.js (npm run build), which needs neither.
if (typeof globalThis.Bun === "undefined" && typeof globalThis.Deno === "undefined") {
  const { register } = await import("tsx/esm/api");
  register();
}
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
