import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareRuns, comparisonTable, readRows, type BaselineRow } from "./compare.ts";

const before: BaselineRow[] = [
  { scenario: "network produce, batches of 1,000", system: "rivulet http json", records_per_s: 200_000, server_cpu_pct: 100, p99_ms: null, p999_ms: null },
  { scenario: "end-to-end latency at 10,000 records/s", system: "rivulet http → sse", records_per_s: null, p50_ms: 1, p99_ms: 22, p999_ms: 33 },
  { scenario: "only before", system: "rivulet", records_per_s: 5 },
];
const after: BaselineRow[] = [
  { scenario: "network produce, batches of 1,000", system: "rivulet http json", records_per_s: 400_000, server_cpu_pct: 100, server_cpu_s_per_m: 2.5, p99_ms: null, p999_ms: null },
  { scenario: "end-to-end latency at 10,000 records/s", system: "rivulet http → sse", records_per_s: null, p50_ms: 1, p99_ms: 2, p999_ms: 5 },
  { scenario: "only after", system: "rivulet", p50_ms: 180 },
];

test("compareRuns() pairs rows by scenario and system and keeps rows only one run has", () => {
  const pairs = compareRuns(before, after);
  assert.equal(pairs.map((p) => [p.scenario, p.before !== null, p.after !== null]), [
    ["network produce, batches of 1,000", true, true],
    ["end-to-end latency at 10,000 records/s", true, true],
    ["only after", false, true],
    ["only before", true, false],
  ]);
});

test("comparisonTable() gives the headline figures, their ratio, p99.9 and CPU per million records", () => {
  const lines = comparisonTable(before, after).split("\n");
  const cells = (needle: string) => lines.find((l) => l.includes(needle))!.split("|").map((c) => c.trim());
  const produce = cells("rivulet http json");
  assert.equal(produce.slice(3, 7), ["records/s", "200,000", "400,000", "2.00×"]);
  // The older run has no server_cpu_s_per_m: 100 % of a core at 200,000/s is 5 s per million.
  assert.is(produce[8], "5.00 → 2.50");
  const latency = cells("rivulet http → sse");
  assert.equal(latency.slice(3, 8), ["p99 ms", "22.00", "2.00", "0.09×", "33.00 → 5.00"]);
  assert.equal(cells("only after").slice(3, 6), ["p50 ms", "", "180.00"]);
});

test("readRows() refuses a file that is not rivulet bench --json output", () => {
  const dir = mkdtempSync(join(tmpdir(), "rivulet-compare-"));
  const good = join(dir, "good.json");
  const bad = join(dir, "bad.json");
  writeFileSync(good, JSON.stringify(before));
  writeFileSync(bad, JSON.stringify({ rows: before }));
  assert.is(readRows(good).length, 3);
  assert.throws(() => readRows(bad), /not the --json output/);
});

test.run();
