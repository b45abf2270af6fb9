#!/usr/bin/env node
// The `rivulet` command. Node cannot run TypeScript on its own, so there it loads tsx's
// loader first; Bun and Deno run the TypeScript directly.
if (typeof globalThis.Bun === "undefined" && typeof globalThis.Deno === "undefined") {
  const { register } = await import("tsx/esm/api");
  register();
}
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
