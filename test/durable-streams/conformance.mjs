#!/usr/bin/env node
// Runs the Durable Streams conformance suite (@durable-streams/server-conformance-tests, vitest)
// against a real Rivulet server on 127.0.0.1, then prints the suite's counts as the line
// `durable-streams conformance: N passed, N failed, N skipped` and exits non-zero on any failure.
//
//   node test/durable-streams/conformance.mjs [vitest args, e.g. -t "Fork"]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = (name) => join(root, "node_modules", ".bin", name);

function startServer() {
  const child = spawn(process.execPath, ["--import", "tsx", "test/durable-streams/conformance-server.ts"], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error("the server did not start within 60 s")), 60_000);
    child.once("exit", (code) => reject(new Error(`the server exited early with code ${code}`)));
    lines.on("line", (line) => {
      try {
        const { url } = JSON.parse(line);
        clearTimeout(timer);
        resolve({ child, url });
      } catch {
        console.log(`[server] ${line}`);
      }
    });
  });
}

function run(cmd, args, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: "inherit" });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve();
    }, 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

const out = mkdtempSync(join(tmpdir(), "rivulet-ds-report-"));
const report = join(out, "report.json");
const { child, url } = await startServer();
let counts = { passed: 0, failed: 0, skipped: 0 };
let code = 1;
try {
  code = await run(bin("vitest"), [
    "run", "--config", "test/durable-streams/vitest.conformance.config.mjs",
    "--reporter=dot", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2),
  ], { CONFORMANCE_TEST_URL: url, FORCE_COLOR: "0", NO_COLOR: "1" });
  const json = JSON.parse(readFileSync(report, "utf8"));
  counts = { passed: json.numPassedTests, failed: json.numFailedTests, skipped: json.numPendingTests + json.numTodoTests };
} catch (error) {
  console.error(`could not read the vitest report: ${error.message}`);
  counts.failed = Math.max(counts.failed, 1);
} finally {
  await stopServer(child);
  rmSync(out, { recursive: true, force: true });
}
console.log(`durable-streams conformance: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(counts.failed > 0 || code !== 0 ? 1 : 0);
