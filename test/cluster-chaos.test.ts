import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { tempDir } from "./support/temp-dir.ts";
import { within } from "./support/etcd.ts";
import { insidePrivateNetwork, NetworkCuts, privateNetworkMissingReason, runInPrivateNetwork, userCutsAvailable } from "./support/chaos/private-network.ts";
import { clusterAvailable, singleBrokerForm, threeBrokerForm, type ChaosForm } from "./support/chaos/chaos-forms.ts";
import { injectFault } from "./support/chaos/faults.ts";
import { HistoryWriter } from "./support/chaos/history-file.ts";
import { checkHistory, formatCheck, type CheckResult } from "./support/chaos/history-checker.ts";
import { failoverStats, formatFailover } from "./support/chaos/failover-stats.ts";
import { highWatermarks, readReplica } from "./support/chaos/final-read.ts";
import { Workload } from "./support/chaos/workload.ts";

// Issue 14's chaos test: rounds of faults under a workload of idempotent acks=all producers and
// a consumer group, then Jepsen-style checks of everything observed and of every replica.
// It runs in a private network namespace (re-executed under `unshare -n` as root, `unshare -rn`
// otherwise) when it can, so network cuts are real and silent. The three-broker form runs once
// this checkout's `rivulet serve` takes --broker-id and --etcd (and etcd is installed); until
// then the single-broker form runs. Its "FORM:" line says which ran.
//
//   RIVULET_CHAOS_ROUNDS=100 node --import tsx test/cluster-chaos.test.ts   (the long run)
//   RIVULET_CHAOS_FORM=single|cluster     force a form
//   RIVULET_CHAOS_HISTORY=path            keep the history (JSON lines; check-history.ts re-checks it)
//   RIVULET_CHAOS_HOLD_MS=3000            how long a pause or a cut lasts (a leader's pause: lease + this)
//   RIVULET_CHAOS_LEASE_MS=2000           the brokers' lease TTL in etcd
//   RIVULET_CHAOS_QUIET_ACKS=150          acknowledged sends between two faults
//   RIVULET_CHAOS_NO_NETNS=1              no namespace: no cuts, brokers on 127.0.0.1

const noNetwork = insidePrivateNetwork() ? null : privateNetworkMissingReason();
if (noNetwork) console.log(`NOTE ${noNetwork}: no network cuts, brokers on 127.0.0.1`);
else await runInPrivateNetwork(import.meta.url);

const TOPIC = "chaos";
const PARTITIONS = 3;
const cuts = insidePrivateNetwork() ? new NetworkCuts() : null;

function chosenForm(): "single" | "cluster" {
  const forced = process.env.RIVULET_CHAOS_FORM;
  if (forced === "single" || forced === "cluster") return forced;
  return cuts && clusterAvailable() ? "cluster" : "single";
}

async function startForm(kind: "single" | "cluster", dataRoot: string, env?: Record<string, string>): Promise<ChaosForm> {
  if (kind === "cluster") {
    if (!cuts) throw new Error("the three-broker form needs the private network (127.0.0.1-3, 127.0.0.10)");
    return await threeBrokerForm({ dataRoot, userCuts: userCutsAvailable() });
  }
  return await singleBrokerForm({ dataRoot, host: cuts ? "127.0.0.2" : "127.0.0.1", clientHost: "127.0.0.1", canCut: cuts !== null, env });
}

/**
 * Heals and resumes everything, lets consumers catch up, takes the high watermarks, stops the
 * brokers gracefully and reads every replica from disk into the history.
 */
async function finish(form: ChaosForm, workload: Workload, history: HistoryWriter, options: { consumers: boolean }): Promise<void> {
  cuts?.healAll();
  for (const b of form.brokers) {
    b.resume();
    if (!b.running) await b.start();
  }
  await within(workload.allAcked(Date.now()), 90_000, "every partition acknowledging after the last heal");
  await workload.stopProducing();
  // Healed means every replica back in the ISR: the high watermark then covers only what each
  // replica holds, so replicas are compared below it (a replica still catching up when its broker
  // stopped would show the tail it had not fetched yet as divergence).
  await within(form.inSync(TOPIC, PARTITIONS), 90_000, "every replica of every partition back in the ISR");
  const addresses = form.brokers.map((b) => b.kafkaAddress);
  const hw = await within(highWatermarks(addresses, TOPIC), 60_000, "the high watermarks");
  if (options.consumers) {
    // the consumers read up to the end: what they polled is checked against the replicas
    const caughtUp = async () => {
      for (;;) {
        if ([...hw].every(([p, end]) => end === 0 || (workload.polledUpTo.get(p) ?? -1) >= end - 1)) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await within(caughtUp(), 90_000, `consumers reaching the high watermarks ${JSON.stringify([...hw])}`);
  }
  await workload.stopConsuming();
  await form.dispose();
  for (const b of form.brokers) {
    for (let p = 0; p < PARTITIONS; p++) {
      const read = readReplica(`broker ${b.id}`, b.spec.dataDir, TOPIC, p, hw.get(p) ?? 0);
      if (read) history.record(read);
    }
  }
  history.close();
}

function report(title: string, result: CheckResult): void {
  console.log(`  ${title}\n${formatCheck(result)}`);
}

test("chaos: every fault round leaves no anomaly (nothing acknowledged lost, duplicated, reordered or divergent)", async () => {
  const kind = chosenForm();
  const tmp = tempDir("rivulet-chaos-");
  const form = await startForm(kind, tmp.dir);
  const historyPath = process.env.RIVULET_CHAOS_HISTORY ?? join(tmp.dir, "history.jsonl");
  const history = new HistoryWriter(historyPath);
  const rounds = Number(process.env.RIVULET_CHAOS_ROUNDS ?? form.defaultRounds);
  console.log(`  FORM: ${form.name}; ${rounds} round(s); history in ${historyPath}`);
  let workload: Workload | null = null;
  try {
    await within(form.createTopic(TOPIC, PARTITIONS), 60_000, "creating the topic");
    workload = await Workload.start({
      brokers: form.brokers.map((b) => b.kafkaAddress),
      httpUrls: form.brokers.map((b) => b.url),
      topic: TOPIC,
      partitions: PARTITIONS,
      kafkaProducers: 2,
      httpProducers: 1,
      consumers: 2,
      history,
    });
    // between faults the workload runs undisturbed for a while: this many acknowledged sends
    const quietAcks = Number(process.env.RIVULET_CHAOS_QUIET_ACKS ?? 150);
    const quiet = (what: string) => within(workload!.acksReach(workload!.acks + quietAcks), 120_000, `${quietAcks} acknowledged sends ${what}`);
    await quiet("before the first fault");
    const ctx = { form, cuts, workload, history, topic: TOPIC, holdMs: Number(process.env.RIVULET_CHAOS_HOLD_MS ?? 3_000), leaseMs: Number(process.env.RIVULET_CHAOS_LEASE_MS ?? 2_000) };
    for (let round = 0; round < rounds; round++) {
      const fault = form.faults[round % form.faults.length];
      const started = Date.now();
      await injectFault(fault, ctx);
      console.log(`  round ${round + 1}/${rounds}: ${fault}, served again after ${Date.now() - started} ms`);
      await quiet(`after round ${round + 1}`);
    }
    await finish(form, workload, history, { consumers: true });
    workload = null;
    const result = checkHistory(history.ops);
    report(`CHECK (${kind === "cluster" ? "three-broker" : "single-broker"} form)`, result);
    console.log(formatFailover(failoverStats(history.ops)));
    const perProducer = new Map<string, { ok: number; failed: number; unknown: number; error?: string }>();
    for (const op of history.ops) {
      if (op.type !== "send") continue;
      const counts = perProducer.get(op.producer) ?? { ok: 0, failed: 0, unknown: 0 };
      if (op.status === "ok") counts.ok++;
      else if (op.status === "fail") counts.failed++;
      else counts.unknown++;
      if (op.status === "fail") counts.error ??= op.error;
      perProducer.set(op.producer, counts);
    }
    for (const [producer, c] of perProducer) console.log(`  ${producer}: ${c.ok} acknowledged, ${c.failed} refused, ${c.unknown} unknown${c.error ? ` (first refusal: ${c.error.slice(0, 160)})` : ""}`);
    assert.ok(result.stats.sendsOk > 100, `the workload got sends acknowledged (${result.stats.sendsOk})`);
    for (const [producer, c] of perProducer) assert.ok(c.ok > 0, `${producer} got sends acknowledged through the faults (${c.failed} refused, ${c.unknown} unknown)`);
    assert.ok(result.stats.polls > 0, "the consumers polled");
    // the anomalies themselves in the failure, which is what a truncated CI log keeps
    const found = Object.entries(result.counts).filter(([, n]) => n > 0).map(([kind, n]) => `${kind} ${n} (e.g. ${result.examples[kind as keyof typeof result.examples].slice(0, 3).join("; ")})`);
    assert.ok(result.valid, `anomalies: ${found.join(", ")} (history: ${historyPath})`);
  } finally {
    await workload?.stopProducing().catch(() => {});
    await workload?.stopConsuming().catch(() => {});
    cuts?.healAll();
    await form.dispose().catch(() => {});
    history.close();
    if (!process.env.RIVULET_CHAOS_HISTORY) tmp.remove();
  }
});

test("broken mode: a broker that acknowledges before writing loses acknowledged records on kill -9, and the checker sees it", async () => {
  const tmp = tempDir("rivulet-chaos-broken-");
  const broken = { RIVULET_CHAOS_FAULT_INJECTION: "1", RIVULET_DEBUG_ACK_BEFORE_WRITE: "400" };
  const form = await startForm("single", tmp.dir, broken);
  const history = new HistoryWriter(join(tmp.dir, "history.jsonl"));
  let workload: Workload | null = null;
  try {
    console.log(`  FORM: ${form.name}, with ${Object.entries(broken).map(([k, v]) => `${k}=${v}`).join(" ")}`);
    await within(form.createTopic(TOPIC, PARTITIONS), 60_000, "creating the topic");
    workload = await Workload.start({ brokers: [form.brokers[0].kafkaAddress], httpUrls: [form.brokers[0].url], topic: TOPIC, partitions: PARTITIONS, kafkaProducers: 2, httpProducers: 1, consumers: 0, history });
    const since = Date.now();
    await within(workload.allAcked(since), 60_000, "acknowledged sends");
    await within(workload.allAcked(Date.now()), 60_000, "more acknowledged sends");
    // right after acknowledgements: what was acknowledged in the last 400 ms is not written yet
    history.record({ type: "fault", kind: "kill", target: "broker 1", at: Date.now() });
    await form.brokers[0].kill9();
    // back without the switch (the spec's env is per start), then the usual end of a run
    form.brokers[0].spec.env = {};
    await finish(form, workload, history, { consumers: false });
    workload = null;
    const result = checkHistory(history.ops);
    report("CHECK (broken mode)", result);
    assert.ok(result.counts.lost > 0, "the checker reports acknowledged records lost");
    assert.is(result.valid, false);
  } finally {
    await workload?.stopProducing().catch(() => {});
    cuts?.healAll();
    await form.dispose().catch(() => {});
    history.close();
    tmp.remove();
  }
});

test("the ack-before-write switch is refused without fault injection", async () => {
  const tmp = tempDir("rivulet-chaos-refused-");
  try {
    const error = await startForm("single", tmp.dir, { RIVULET_DEBUG_ACK_BEFORE_WRITE: "400" }).then(
      async (form) => {
        await form.dispose();
        return null;
      },
      (e: Error) => e,
    );
    assert.ok(error, "the broker did not start");
    assert.match(error!.message, /RIVULET_DEBUG_ACK_BEFORE_WRITE is a fault-injection switch: refused/);
  } finally {
    tmp.remove();
  }
});

test.run();
