#!/usr/bin/env node
/**
 * `npm run compile`: single executables of the `rivulet` command.
 *
 *   dist/bin/rivulet-bun    `bun build --compile` (the bun from node_modules/.bin is the base)
 *   dist/bin/rivulet-deno   `deno compile`
 *
 * Both start from one JavaScript build made for them (dist/.compile-stage-PID/): the command at the
 * root and every worker entry below it, each self-contained (no shared chunks), so a worker's
 * URL relative to the command (`./workers/partition-worker.js`) is the same on disk and inside
 * the executable, where Bun keeps the command at its root and the other entry points beside it.
 *
 * `deno compile` downloads `denort` (Deno's runtime without its tooling) from Deno's own
 * servers; where they are unreachable it fails, and this script says so and goes on.
 *
 *   node bench/package/compile.mjs [--target bun] [--target deno] [--out DIR]
 *
 * (default: both targets, into dist/bin).
 *
 * Exit code 1 when any target failed.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildPackage, entryPoints } from "./build.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = (name) => join(root, "node_modules", ".bin", name);

/** The entries of the executables: the command as `rivulet.js`, the workers as in the package. */
function compileEntries() {
  const entries = new Map([["cli/bin.ts", "rivulet.js"]]);
  const started = new Set(["runtime/worker-bootstrap.mjs", "runtime/pool-handler-bootstrap.mjs", "processors/runtime/pool-worker.ts"]);
  for (const [input, output] of entryPoints()) if (input.startsWith("workers/") || started.has(input)) entries.set(input, output);
  return entries;
}

/**
 * Builds the JavaScript the executables are compiled from.
 * @param {string} stage an empty directory below the repository (packages resolve from its node_modules)
 * @returns {Promise<string[]>} the entry files, the command first
 */
export async function buildStage(stage) {
  const entries = await buildPackage({ outDir: stage, types: false, entries: compileEntries(), splitting: false });
  return [...entries.values()].map((output) => join(stage, output));
}

/**
 * `bun build --compile` of the stage.
 * @param {string[]} files the stage's entries, the command first
 * @param {string} outfile the executable to write
 */
export function compileBun(files, outfile) {
  // tsx is what worker-bootstrap loads a user's TypeScript worker with on Node; never on Bun.
  execFileSync(bin("bun"), ["build", "--compile", "--external", "tsx", ...files, "--outfile", outfile], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
}

/**
 * `deno compile` of the stage (needs Deno's servers for `denort`).
 * @param {string[]} files the stage's entries, the command first
 * @param {string} outfile the executable to write
 */
export function compileDeno(files, outfile) {
  const [command, ...workers] = files;
  const includes = workers.flatMap((file) => ["--include", file]);
  execFileSync(bin("deno"), ["compile", "-A", "--no-check", ...includes, "--output", outfile, command], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { target: { type: "string", multiple: true, default: ["bun", "deno"] }, out: { type: "string", default: join(root, "dist", "bin") } } });
  const out = resolve(values.out);
  // Below the repository, whatever --out is: the compilers resolve packages from its node_modules.
  const stage = join(root, "dist", `.compile-stage-${process.pid}`);
  mkdirSync(out, { recursive: true });
  let failed = 0;
  try {
    const files = await buildStage(stage);
    for (const target of values.target) {
      const outfile = join(out, `rivulet-${target}`);
      const compile = { bun: compileBun, deno: compileDeno }[target];
      if (!compile) throw new TypeError(`unknown target ${target}: bun or deno`);
      try {
        compile(files, outfile);
        console.log(`compiled ${outfile}`);
      } catch (error) {
        failed++;
        const hint = target === "deno" ? " (deno compile downloads denort from Deno's servers: is dl.deno.land reachable?)" : "";
        console.error(`rivulet-${target} not built: ${error.message.split("\n")[0]}${hint}`);
      }
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  console.log(`${out}: ${readdirSync(out).join(", ")}`);
  process.exitCode = failed > 0 ? 1 : 0;
}
