import { test } from "uvu";
import * as assert from "uvu/assert";
import { runOracle } from "./support/processors/crash-oracle.ts";

// The crash oracle must not pass a broken app: with RIVULET_DEBUG_STREAMS_COMMIT_BEFORE_WRITE=1
// (a fault-injection switch) the app commits input offsets as soon as it polls them, before
// their results are written, so the transaction each kill aborts loses its records — and the
// checker must say so (processors-crash-oracle.test.ts runs the correct app).

test("the checker fails on the commit-before-write broken mode (records missing after kill -9s)", async () => {
  const run = await runOracle({ guarantee: "exactly-once", records: 10_000, brokerKills: 3, env: { RIVULET_DEBUG_STREAMS_COMMIT_BEFORE_WRITE: "1" } });
  console.log(`crash oracle broken mode: ${JSON.stringify(run.summary)}`);
  assert.not.ok(run.summary.ok, "the checker passed a broken app");
  assert.ok(run.summary.missing > 0, `records missing: ${run.summary.missing}`);
});

test.run();
