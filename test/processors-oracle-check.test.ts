import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkOracle } from "./support/processors/oracle-check.ts";

// The crash oracle's checker on hand-made results: it must pass exact ones and catch each
// kind of anomaly (the end-to-end broken mode is processors-crash-oracle-broken.test.ts).

const oracle = new Map([["a", 3], ["b", 2]]);
const store = (a: number | undefined, b: number | undefined) => new Map([["a", a], ["b", b]]);

test("an exact result passes both guarantees", () => {
  const outputs = new Map([["a", [1, 2, 3]], ["b", [1, 2]]]);
  for (const guarantee of ["exactly-once", "at-least-once"] as const) {
    const summary = checkOracle(guarantee, oracle, outputs, store(3, 2));
    assert.ok(summary.ok, JSON.stringify(summary));
    assert.equal([summary.inputs, summary.outputs, summary.duplicates, summary.missing], [5, 5, 0, 0]);
  }
});

test("a duplicate output and an overcounted store fail exactly-once but pass at-least-once", () => {
  const outputs = new Map([["a", [1, 2, 2, 3, 4]], ["b", [1, 2]]]);
  const exact = checkOracle("exactly-once", oracle, outputs, store(4, 2));
  assert.not.ok(exact.ok);
  assert.is(exact.duplicates, 2);
  assert.is(exact.storeAbove, 1);
  assert.ok(checkOracle("at-least-once", oracle, outputs, store(4, 2)).ok);
});

test("a missing output or a store below the oracle fails both guarantees", () => {
  const outputs = new Map([["a", [1, 3]], ["b", [1, 2]]]);
  for (const guarantee of ["exactly-once", "at-least-once"] as const) {
    const summary = checkOracle(guarantee, oracle, outputs, store(3, 1));
    assert.not.ok(summary.ok);
    assert.is(summary.missing, 1);
    assert.is(summary.storeBelow, 1);
  }
});

test("outputs out of order, or for a key not in the input, fail exactly-once", () => {
  assert.not.ok(checkOracle("exactly-once", oracle, new Map([["a", [2, 1, 3]], ["b", [1, 2]]]), store(3, 2)).ok);
  assert.not.ok(checkOracle("exactly-once", oracle, new Map([["a", [1, 2, 3]], ["b", [1, 2]], ["z", [1]]]), store(3, 2)).ok);
});

test.run();
