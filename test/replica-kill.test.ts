/**
 * kill -9 of a follower (a child process) while it fetches under a steady acks=all load, then a
 * restart on the same data: it recovers its log, truncates by OffsetsForLeaderEpoch, catches up
 * and ends byte-identical to the leader, round after round. Nothing acknowledged is lost on the
 * leader meanwhile (the ISR shrinks to the leader, min.insync.replicas 1).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { scriptCommand } from "../runtime/spawn-script.ts";
import { encodeRecordBatch } from "../record/record-batch.ts";
import { logBytes, ReplicaCluster } from "./support/cluster/replica-cluster.ts";
import { tempDir } from "./support/temp-dir.ts";

const ROUNDS = Number(process.env.REPLICA_KILL_ROUNDS ?? 3);
const root = fileURLToPath(new URL("..", import.meta.url));
const topic = "killed";

/** Starts the follower child; resolves once it follows. */
function startFollower(dir: string, leaderPort: number): Promise<{ child: ChildProcess; exited: Promise<unknown> }> {
  return new Promise((resolve, reject) => {
    const { command, args } = scriptCommand(join(root, "test", "replica-child.ts"));
    const child = spawn(command, [...args, dir, topic, String(leaderPort)], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise((done) => child.on("close", done));
    let out = "";
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    child.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("ready\n")) resolve({ child, exited });
    });
    void exited.then(() => reject(new Error(`the follower exited before it was ready: ${err.slice(-2000)}`)));
  });
}

test("a follower killed with SIGKILL mid-fetch and restarted catches up without divergence", async () => {
  const cluster = new ReplicaCluster();
  const followerDir = tempDir("rivulet-repl-child-");
  let stop = false;
  let child: { child: ChildProcess; exited: Promise<unknown> } | null = null;
  try {
    cluster.topics.set(topic, { partitions: 1, config: { "replica.lag.time.max.ms": 1000, "min.insync.replicas": 1 } });
    const leader = await cluster.start(1);
    cluster.setState(topic, 0, { leaderEpoch: 1, isr: [1, 2] });
    await leader.replicas.becomeLeader(topic, 0, { leaderEpoch: 1, replicas: [1, 2], isr: [1, 2] });
    const port = cluster.endpoints.get(1)!.port;
    const acked: number[] = [];
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        const records = Array.from({ length: 1 + (i % 7) }, (_, j) => ({ key: null, value: new Uint8Array(200).fill((i + j) & 0xff), headers: [], timestamp: Date.now() }));
        const r = await leader.broker.appendBatch(topic, 0, encodeRecordBatch(records), { acks: "all" });
        acked.push(r.lastOffset);
      }
    })();
    const followerLeo = async () => (await leader.broker.replicaState(topic, 0)).followers[0]?.leo ?? -1;
    for (let round = 0; round < ROUNDS; round++) {
      child = await startFollower(followerDir.dir, port);
      const from = Math.max(0, await followerLeo());
      // kill it once it has copied more while the load goes on (it is fetching)
      await cluster.until(async () => (await followerLeo()) > from + 50, `round ${round}: the follower copying`);
      child.child.kill("SIGKILL");
      await child.exited;
      child = null;
    }
    // a last life: let it catch up with a quiet leader
    child = await startFollower(followerDir.dir, port);
    stop = true;
    await load;
    const end = (await leader.broker.epochState(topic, 0)).logEndOffset;
    await cluster.until(async () => (await followerLeo()) === end, "the follower caught up");
    child.child.kill("SIGKILL");
    await child.exited;
    child = null;
    assert.ok(acked.length > 0 && acked.at(-1)! < end);
    assert.equal(logBytes(followerDir.dir, topic, 0), logBytes(leader.dir, topic, 0), "the follower's log equals the leader's byte for byte");
  } finally {
    stop = true;
    if (child) {
      child.child.kill("SIGKILL");
      await child.exited;
    }
    await cluster.close();
    followerDir.remove();
  }
});

test.run();
