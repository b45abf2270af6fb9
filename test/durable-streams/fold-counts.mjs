#!/usr/bin/env node
// CI helper: prints one line `N passed, N failed` summing the test runner's final counts and the
// Durable Streams conformance suite's, so the last line of `.ci/run` stays the runner's format.
// A log without its counts line counts as one failure.
//
//   node test/durable-streams/fold-counts.mjs TESTS_LOG CONFORMANCE_LOG [MORE_TESTS_LOG ...]
import { readFileSync } from "node:fs";

function counts(file, pattern) {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { passed: 0, failed: 1 };
  }
  const all = [...text.matchAll(pattern)];
  const last = all.at(-1);
  return last ? { passed: Number(last[1]), failed: Number(last[2]) } : { passed: 0, failed: 1 };
}

const [testsLog, conformanceLog, ...moreTestLogs] = process.argv.slice(2);
// The runner adds ", N skipped" when some were.
const runner = /^(\d+) passed, (\d+) failed(?:, \d+ skipped)?\s*$/gm;
const all = [counts(testsLog, runner), counts(conformanceLog, /^durable-streams conformance: (\d+) passed, (\d+) failed/gm), ...moreTestLogs.map((log) => counts(log, runner))];
console.log(`${all.reduce((n, c) => n + c.passed, 0)} passed, ${all.reduce((n, c) => n + c.failed, 0)} failed`);
