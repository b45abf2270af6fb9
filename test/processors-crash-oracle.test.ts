import { test } from "uvu";
import * as assert from "uvu/assert";
import { runOracle } from "./support/processors/crash-oracle.ts";

// Issue 18, Tests: the crash oracle. A broker process runs a word-count app (through a
// repartition topic) over an input of N records while the test kill -9s the broker several
// times and each incarnation terminates a pool worker; afterwards the output topic
// (read_committed) and the final store are compared with a fold of the input.
// CI default: 20,000 records, 3 broker kills (RIVULET_STREAMS_ORACLE_RECORDS and
// RIVULET_STREAMS_ORACLE_ROUNDS for the long run). The broken mode: processors-crash-oracle-broken.test.ts.

const records = Number(process.env.RIVULET_STREAMS_ORACLE_RECORDS ?? 20_000);
const rounds = Number(process.env.RIVULET_STREAMS_ORACLE_ROUNDS ?? 1);
const brokerKills = 3;

test("exactly-once: outputs and stores equal the oracle (0 duplicates, 0 missing) through broker kill -9s and pool worker kills", async () => {
  for (let round = 1; round <= rounds; round++) {
    const run = await runOracle({ guarantee: "exactly-once", records, brokerKills });
    console.log(`crash oracle exactly-once round ${round}/${rounds}: ${JSON.stringify(run)}`);
    assert.ok(run.summary.ok, JSON.stringify(run.summary));
    assert.is(run.summary.duplicates, 0);
    assert.is(run.summary.missing, 0);
    assert.is(run.summary.outputs, run.records);
    assert.ok(run.workerKills >= 1, `a pool worker was killed: ${run.workerKills}`);
  }
});

test("at-least-once: every input reflected in the outputs and no counted store below the oracle", async () => {
  const run = await runOracle({ guarantee: "at-least-once", records, brokerKills });
  console.log(`crash oracle at-least-once: ${JSON.stringify(run)}`);
  assert.ok(run.summary.ok, JSON.stringify(run.summary));
  assert.is(run.summary.missing, 0);
  assert.is(run.summary.storeBelow, 0);
});

test.run();
