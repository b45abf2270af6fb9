import { test } from "uvu";
import * as assert from "uvu/assert";
import { startHarness, type Harness } from "../test/support/kafka/harness.ts";
import { kcatPresent, runKcat } from "../test/support/kafka/kcat.ts";

if (!kcatPresent) console.log("kcat is not installed (apt-get install -y kcat): skipping the kcat (librdkafka) tests");
const kcatTest = kcatPresent ? test : test.skip;

let h: Harness;

test.before(async () => {
  if (kcatPresent) h = await startHarness();
});

test.after(async () => {
  if (kcatPresent) await h.close();
});

/** Runs kcat against the harness; resolves with its stdout (rejects on a non-zero exit). */
async function kcat(args: string[], input?: string, timeoutMs = 30_000): Promise<string> {
  const run = await runKcat(["-b", h.address, ...args], input, timeoutMs);
  if (run.code !== 0) throw new Error(`kcat ${args.join(" ")} exited with ${run.code}: ${run.err.slice(-2000)}`);
  return run.out;
}

kcatTest("kcat -L lists this broker, advertised as reached, and its topics", async () => {
  await h.broker.createTopic("kcat-meta", { partitions: 3 });
  const out = await kcat(["-L", "-t", "kcat-meta"]);
  assert.match(out, `broker 1 at ${h.address} (controller)`);
  assert.match(out, `topic "kcat-meta" with 3 partitions`);
  assert.match(out, "partition 2, leader 1, replicas: 1, isrs: 1");
});

kcatTest("kcat -P produces keyed records with headers that the broker stores", async () => {
  await h.broker.createTopic("kcat-in", { partitions: 1 });
  await kcat(["-P", "-t", "kcat-in", "-K", ":", "-H", "origin=kcat", "-p", "0"], "alice:paid 200\nbob:paid 5\n");
  const { records } = await h.broker.fetch("kcat-in", 0, { offset: 0 });
  const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));
  assert.equal(records.map((r) => [r.offset, text(r.key), text(r.value)]), [[0, "alice", "paid 200"], [1, "bob", "paid 5"]]);
  assert.equal(records[0]!.headers.map(([k, v]) => [k, text(v)]), [["origin", "kcat"]]);
});

kcatTest("kcat -C reads records, keys and headers written by the broker", async () => {
  await h.broker.createTopic("kcat-out", { partitions: 2 });
  await h.broker.produce("kcat-out", [
    { key: "k1", value: "one", headers: [["h", "1"]], partition: 0 },
    { key: "k2", value: "two", partition: 1 },
    { value: "three", partition: 0 },
  ]);
  const out = await kcat(["-C", "-t", "kcat-out", "-e", "-q", "-f", "%p %o %k=%s [%h]\\n"]);
  const lines = out.trim().split("\n").sort();
  assert.equal(lines, ["0 0 k1=one [h=1]", "0 1 =three []", "1 0 k2=two []"]);
  const fromOffset = await kcat(["-C", "-t", "kcat-out", "-p", "0", "-o", "1", "-e", "-q", "-f", "%o %s\\n"]);
  assert.is(fromOffset.trim(), "1 three");
});

kcatTest("kcat -G consumes as a group member and its commits are stored", async () => {
  await h.broker.createTopic("kcat-group", { partitions: 2 });
  await h.broker.produce("kcat-group", Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 2 })));
  const out = await kcat(["-G", "kcat-readers", "-X", "auto.offset.reset=earliest", "-X", "enable.auto.commit=true", "-X", "auto.commit.interval.ms=100", "-e", "-q", "-f", "%p %o %s\\n", "kcat-group"]);
  assert.equal(out.trim().split("\n").sort(), ["0 0 v0", "0 1 v2", "0 2 v4", "1 0 v1", "1 1 v3", "1 2 v5"]);
  const committed = await h.broker.groups.fetchOffsets("kcat-readers", [{ topic: "kcat-group", partition: 0 }, { topic: "kcat-group", partition: 1 }]);
  assert.equal(committed.map((c) => [c.partition, c.offset]), [[0, 3], [1, 3]]);
});

test.run();
