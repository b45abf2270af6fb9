import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkHistory, formatAnalysis } from "./support/txn/check-history.ts";
import { runWorkload } from "./support/txn/workload.ts";
import { tempDir } from "./support/temp-dir.ts";

// The exactly-once checker must not pass a broken system: a worker that commits its input
// offsets with a plain OffsetCommit before its transaction, killed mid-transaction, loses the
// chunk's inputs, and the checker says so (txn-exactly-once.test.ts runs the correct worker).

const SEED = Number(process.env.RIVULET_TXN_SEED ?? 1515);
const log = (line: string) => console.log(`  ${line}`);

test("the checker catches a worker that commits its input offsets outside the transaction (lost writes)", async () => {
  const tmp = tempDir("rivulet-txn-broken-");
  try {
    const history = await runWorkload({
      dataDir: tmp.dir,
      rounds: 1,
      mode: "offsets-outside",
      inputPartitions: 2,
      outputPartitions: 1,
      recordsPerPartition: 16,
      chunk: 4,
      // Killed right after the outputs were sent: the inputs' offsets are already committed.
      killAt: ["sent"],
      seed: SEED,
      log,
    });
    const analysis = checkHistory(history);
    console.log(formatAnalysis(analysis).replace(/^/gm, "  "));
    assert.not.ok(analysis.valid);
    assert.ok(analysis.lostWrites.count >= 1, `lost writes reported (${analysis.lostWrites.count})`);
  } finally {
    tmp.remove();
  }
});

test.run();
