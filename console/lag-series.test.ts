import { test } from "uvu";
import * as assert from "uvu/assert";
import { LagSeries } from "./lag-series.ts";

test("LagSeries keeps at most its capacity, oldest dropped first, one sample per slot", () => {
  const series = new LagSeries(3);
  series.add(1_000, 5, 1.5);
  series.add(1_000, 6, null);
  assert.equal(series.samples(), [[1_000, 6, null]], "a second sample for the newest slot replaces it");
  series.add(2_000, 7, 2);
  series.add(3_000, 8, 3);
  series.add(4_000, 9, 4);
  assert.is(series.size, 3);
  assert.equal(series.samples(), [[2_000, 7, 2], [3_000, 8, 3], [4_000, 9, 4]]);
  series.add(2_500, 1, 1);
  assert.equal(series.samples().map((s) => s[0]), [2_000, 3_000, 4_000], "a sample older than the newest is ignored");
  assert.is(series.newestMs, 4_000);
});

test("LagSeries refuses a capacity that is not a positive integer", () => {
  assert.throws(() => new LagSeries(0), TypeError);
  assert.throws(() => new LagSeries(1.5), TypeError);
});

test.run();
