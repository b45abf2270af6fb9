import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { goldenCases } from "./testdata/golden-cases.ts";

// The same inputs give byte-identical outputs on Node, Bun and Deno: each case's result,
// serialized as the golden file was, must equal it exactly.
for (const [name, run] of Object.entries(goldenCases)) {
  test(`TopologyTestDriver golden: ${name}`, () => {
    const expected = readFileSync(new URL(`./testdata/${name}.json`, import.meta.url), "utf8");
    assert.fixture(JSON.stringify(run(), null, 1) + "\n", expected);
  });
}

test("golden facts the files encode: late counts and emissions", () => {
  const perMinute = goldenCases["tumbling-per-minute"]();
  assert.is(perMinute.lateDropped, 2);
  const finals = perMinute.outputs["payments-per-minute"].map((r) => r.value as { key: string; window_start: number; value: { n: number; sum: number } });
  // Each window emitted once, the out-of-order 30 s record included, the late ones not.
  assert.equal(finals.map((w) => `${w.key}@${w.window_start}:${w.value.sum}`), ["bob@0:1", "alice@0:15", "bob@60000:2", "alice@60000:20"]);
  const sessions = goldenCases["session-windows"]();
  const merged = sessions.outputs["session-final"].find((r) => r.key === "j")!.value as { window_start: number; window_end: number; value: number };
  assert.equal([merged.window_start, merged.window_end, merged.value], [71_000, 90_000, 3]);
  const counts = goldenCases["word-count"]().stores.counts as [string, number][];
  assert.equal(Object.fromEntries(counts), { the: 3, cat: 2, sat: 3, hat: 1 });
});

test.run();
