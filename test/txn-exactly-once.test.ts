import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkHistory, formatAnalysis } from "./support/txn/check-history.ts";
import { runWorkload } from "./support/txn/workload.ts";
import { tempDir } from "./support/temp-dir.ts";

// Issue 15: exactly-once consume-transform-produce under kill -9. A kafkajs transactional
// worker turns every input record into one output record and commits its input offsets in the
// same transaction, while the broker process is SIGKILLed mid-transaction, mid-commit or between
// transactions, round after round. The checker (test/support/txn/check-history.ts) then reads
// the history and the output log: lost writes, duplicates, aborted reads and torn transactions
// must all be 0. RIVULET_TXN_ROUNDS=25 for the long run; CI runs a few rounds. The same
// checker must catch a deliberately broken worker: txn-exactly-once-broken.test.ts.

const ROUNDS = Number(process.env.RIVULET_TXN_ROUNDS ?? 4);
const SEED = Number(process.env.RIVULET_TXN_SEED ?? 1515);
const log = (line: string) => console.log(`  ${line}`);

test(`consume-transform-produce through ${ROUNDS} broker kill -9 rounds: no lost writes, duplicates, aborted reads or torn transactions`, async () => {
  const tmp = tempDir("rivulet-txn-eos-");
  try {
    const history = await runWorkload({
      dataDir: tmp.dir,
      rounds: ROUNDS,
      mode: "exactly-once",
      inputPartitions: 3,
      outputPartitions: 2,
      recordsPerPartition: Math.max(30, ROUNDS * 10),
      chunk: 5,
      abortEvery: 5,
      killAt: ["sent", "commit", "committed"],
      seed: SEED,
      log,
    });
    const analysis = checkHistory(history);
    console.log(formatAnalysis(analysis).replace(/^/gm, "  "));
    assert.ok(analysis.valid, formatAnalysis(analysis));
    assert.ok(analysis.stats.committed > 0, "the worker committed transactions");
    assert.ok(analysis.stats.unknownHidden + analysis.stats.unknownVisible > 0, "the kills interrupted transactions");
    assert.ok(analysis.stats.abortedRecordsInLog > 0, "aborted records sat in the log for read_committed to hide");
  } finally {
    tmp.remove();
  }
});

test.run();
