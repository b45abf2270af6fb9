import { test } from "uvu";
import * as assert from "uvu/assert";
import { startHarness, type Harness } from "../test/support/kafka/harness.ts";
import { kcatPresent, runKcat } from "../test/support/kafka/kcat.ts";

// kcat (librdkafka) agrees with the broker about transactions: after a kafkajs transactional
// producer commits one transaction, aborts another and commits a third, kcat with
// `isolation.level=read_committed` prints exactly the committed records and with
// read_uncommitted every data record — never a commit or abort marker.

if (!kcatPresent) console.log("kcat is not installed (apt-get install -y kcat): skipping the kcat transaction test");
const kcatTest = kcatPresent ? test : test.skip;

let h: Harness;

test.before(async () => {
  if (kcatPresent) h = await startHarness();
});

test.after(async () => {
  if (kcatPresent) await h.close();
});

/** Every value of `topic`, as kcat reads it to the end with `isolation`, one `<partition> <value>` per record. */
async function kcatRead(topic: string, isolation: "read_committed" | "read_uncommitted"): Promise<string[]> {
  const run = await runKcat(["-b", h.address, "-C", "-t", topic, "-e", "-q", "-X", `isolation.level=${isolation}`, "-f", "%p %s\\n"]);
  if (run.code !== 0) throw new Error(`kcat exited with ${run.code}: ${run.err.slice(-2000)}`);
  return run.out.trim().split("\n").filter(Boolean);
}

kcatTest("kcat -X isolation.level=read_committed prints exactly the committed records; read_uncommitted prints every data record", async () => {
  await h.broker.createTopic("kcat-txn", { partitions: 2 });
  const producer = h.kafka("kcat-txn").producer({ transactionalId: "kcat-txn-producer", idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const send = async (values: string[], end: "commit" | "abort") => {
      const tx = await producer.transaction();
      await tx.send({ topic: "kcat-txn", messages: values.map((value, i) => ({ value, partition: i % 2 })) });
      await (end === "commit" ? tx.commit() : tx.abort());
    };
    await send(["c1", "c2"], "commit");
    await send(["a1", "a2", "a3"], "abort");
    await send(["c3", "c4"], "commit");
  } finally {
    await producer.disconnect();
  }
  const committed = await kcatRead("kcat-txn", "read_committed");
  assert.equal(committed.sort(), ["0 c1", "0 c3", "1 c2", "1 c4"]);
  const uncommitted = await kcatRead("kcat-txn", "read_uncommitted");
  assert.equal(uncommitted.sort(), ["0 a1", "0 a3", "0 c1", "0 c3", "1 a2", "1 c2", "1 c4"]);
});

test.run();
