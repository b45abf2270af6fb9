#!/usr/bin/env node
// CI helper: prints one line `N passed, N failed` summing the test runner's final counts and the
// Durable Streams conformance suite's, so the last line of `.ci/run` stays the runner's format.
// A log without its counts line counts as one failure.
//
//   node test/durable-streams/fold-counts.mjs TESTS_LOG CONFORMANCE_LOG
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

const [testsLog, conformanceLog] = process.argv.slice(2);
const tests = counts(testsLog, /^(\d+) passed, (\d+) failed(?:, \d+ skipped)?\s*$/gm); // the runner adds ", N skipped" when some were
const conformance = counts(conformanceLog, /^durable-streams conformance: (\d+) passed, (\d+) failed/gm);
console.log(`${tests.passed + conformance.passed} passed, ${tests.failed + conformance.failed} failed`);
