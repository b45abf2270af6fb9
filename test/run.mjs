#!/usr/bin/env node
// Runs every `*.test.ts` file as its own process on Node, Bun and Deno (or those named with
// --runtime), two files at a time, and ends with the plain line `N passed, N failed`.
// Each file is a uvu program; its `Total / Passed / Skipped` lines are summed. A file that
// exits without a summary, or outlives its time limit, counts as one failure.
//
//   node test/run.mjs [--runtime node,bun,deno] [--jobs 2] [filter ...]
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name) => join(root, "node_modules", ".bin", name);
const fileTimeoutMs = 240_000;
const exitGraceMs = 5_000;

const runtimes = {
  node: (file) => [process.execPath, ["--import", "tsx", file]],
  bun: (file) => [bin("bun"), [file]],
  deno: (file) => [bin("deno"), ["run", "-A", "--no-lock", file]],
};

const args = process.argv.slice(2);
let chosen = Object.keys(runtimes);
let jobs = 2;
const filters = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--runtime") chosen = args[++i].split(",");
  else if (args[i] === "--jobs") jobs = Number(args[++i]);
  else filters.push(args[i]);
}

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".") || name === "dist" || name === "tmp") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith(".test.ts")) out.push(relative(root, path));
  }
  return out.sort();
}

const files = findTests(root).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
const env = {
  ...process.env,
  FORCE_COLOR: "0",
  NO_COLOR: "1",
  DENO_DIR: process.env.DENO_DIR ?? join(root, "tmp", "deno-cache"),
  BUN_RUNTIME_TRANSPILER_CACHE_PATH: process.env.BUN_RUNTIME_TRANSPILER_CACHE_PATH ?? join(root, "tmp", "bun-cache"),
  DENO_NO_UPDATE_CHECK: "1",
};

function runFile(runtime, file) {
  return new Promise((resolve) => {
    const [cmd, argv] = runtimes[runtime](file);
    const started = Date.now();
    const child = spawn(cmd, argv, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let out = "";
    let summaryAt = 0;
    const onData = (d) => {
      out += d;
      if (!summaryAt && /Duration:/.test(out)) {
        summaryAt = Date.now();
        setTimeout(() => kill("lingered after its summary"), exitGraceMs).unref();
      }
    };
    let note = "";
    const kill = (why) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      note = why;
      try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
    };
    const timer = setTimeout(() => kill(`timed out after ${fileTimeoutMs} ms`), fileTimeoutMs);
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("close", (code) => {
      clearTimeout(timer);
      const num = (label) => Number((out.match(new RegExp(`${label}:\\s+(\\d+)`)) ?? [])[1] ?? NaN);
      const total = num("Total"), passed = num("Passed"), skipped = num("Skipped");
      let failed;
      if (Number.isNaN(total)) failed = 1;
      else failed = total - passed - skipped + (code !== 0 && total === passed + skipped && !summaryAt ? 1 : 0);
      resolve({ runtime, file, passed: passed || 0, failed, skipped: skipped || 0, out, note, ms: Date.now() - started });
    });
  });
}

let passed = 0, failed = 0, skipped = 0;
const failures = [];
for (const runtime of chosen) {
  if (!runtimes[runtime]) throw new Error(`unknown runtime ${runtime}`);
  console.log(`\n=== ${runtime}: ${files.length} test files ===`);
  const queue = [...files];
  const worker = async () => {
    while (queue.length) {
      const file = queue.shift();
      const r = await runFile(runtime, file);
      passed += r.passed; failed += r.failed; skipped += r.skipped;
      const status = r.failed ? "FAIL" : "ok  ";
      console.log(`${status} ${runtime.padEnd(4)} ${file}  ${r.passed} passed, ${r.failed} failed  (${r.ms} ms)${r.note ? "  [" + r.note + "]" : ""}`);
      if (r.failed) failures.push(r);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
}
for (const r of failures) {
  console.log(`\n----- ${r.runtime} ${r.file} ${r.note} -----\n${r.out.slice(-6000)}`);
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed ? 1 : 0);
