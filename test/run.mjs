#!/usr/bin/env node
// Runs every `*.test.ts` file as its own process on Node, Bun and Deno (or those named with
// --runtime), two files at a time, and ends with the plain line `N passed, N failed`.
// Each file is a uvu program; its `Total / Passed / Skipped` lines are summed. A file that
// exits without a summary, exits non-zero, outlives its time limit, or does not exit within
// a few seconds of its summary (a handle left open) counts as one failure at least.
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

/**
 * uvu's closing block, read from stdout only (stderr chunks may land anywhere in the combined
 * log) and only as the whole block: a test's own output that happens to say "Total:" or
 * "Duration:" must neither be counted nor start the linger timer.
 */
const summaryPattern = /^\s*Total:\s+(\d+)\r?\n\s*Passed:\s+(\d+)\r?\n\s*Skipped:\s+(\d+)\r?\n\s*Duration:\s+[\d.]+\s*m?s\s*$/gm;

function lastSummary(stdout) {
  let last = null;
  for (const match of stdout.matchAll(summaryPattern)) last = match;
  return last && { total: Number(last[1]), passed: Number(last[2]), skipped: Number(last[3]) };
}

function runFile(runtime, file) {
  return new Promise((resolve) => {
    const [cmd, argv] = runtimes[runtime](file);
    const started = Date.now();
    const child = spawn(cmd, argv, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let out = "";
    let stdout = "";
    let summaryAt = 0;
    let note = "";
    let lingered = false;
    let timedOut = false;
    const kill = (why) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      note = why;
      try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
    };
    child.stdout.on("data", (d) => {
      out += d;
      stdout += d;
      if (!summaryAt && lastSummary(stdout)) {
        summaryAt = Date.now();
        setTimeout(() => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          lingered = true;
          kill(`did not exit within ${exitGraceMs} ms of its summary (a handle left open)`);
        }, exitGraceMs).unref();
      }
    });
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => {
      timedOut = true;
      kill(`timed out after ${fileTimeoutMs} ms`);
    }, fileTimeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const summary = lastSummary(stdout);
      let failed;
      if (!summary) {
        failed = 1; // crashed, hung or killed before uvu's summary
        note ||= `no test summary (exit ${code ?? signal})`;
      } else {
        // uvu's Total counts the tests that ran; skipped ones are outside it.
        failed = summary.total - summary.passed;
        // Every test passed but the file failed anyway: a throw after the summary (test.after),
        // a non-zero exit, a time-out or a process that never exited. One failure, not zero.
        if (failed === 0 && (code !== 0 || lingered || timedOut)) {
          failed = 1;
          note ||= `exit ${code ?? signal} after its tests passed`;
        }
      }
      resolve({ runtime, file, passed: summary?.passed ?? 0, failed, skipped: summary?.skipped ?? 0, out, note, ms: Date.now() - started });
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
