import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Broker } from "../../groups/broker.ts";
import { createDurableStreamsApp } from "../../durable-streams/mod.ts";
import { scriptCommand } from "../../runtime/spawn-script.ts";
import { tempDir } from "../support/temp-dir.ts";

const ROUNDS = 3;
const root = fileURLToPath(new URL("../..", import.meta.url));

/** Runs the child at `epoch` until it has acknowledged some appends, then SIGKILLs it. */
function runAndKill(dir: string, epoch: number, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const { command, args } = scriptCommand(join(root, "test", "durable-streams", "crash-child.ts"));
    const proc = spawn(command, [...args, dir, String(epoch)], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let acked = -1;
    let out = "";
    let err = "";
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    proc.stdout.on("data", (d) => {
      out += d;
      for (let nl = out.indexOf("\n"); nl >= 0; nl = out.indexOf("\n")) {
        const [word, seq] = out.slice(0, nl).split(" ");
        out = out.slice(nl + 1);
        if (word === "ack") acked = Math.max(acked, Number(seq));
        if (word === "ack" && !killTimer) killTimer = setTimeout(() => proc.kill("SIGKILL"), delayMs);
      }
    });
    proc.stderr.on("data", (d) => (err += d));
    const guard = setTimeout(() => proc.kill("SIGKILL"), 60_000);
    proc.on("close", (_code, signal) => {
      clearTimeout(guard);
      if (signal !== "SIGKILL" || acked < 0) reject(new Error(`child ended with ${signal} after ${acked + 1} acks: ${err.slice(-2000)}`));
      else resolve(acked);
    });
  });
}

test("a SIGKILLed server loses no acknowledged append, duplicates none, and keeps each producer's sequence", async () => {
  const dir = tempDir("rivulet-ds-crash-");
  try {
    const present = new Map<number, number>();
    for (let epoch = 0; epoch < ROUNDS; epoch++) {
      const acked = await runAndKill(dir.dir, epoch, 20 + epoch * 40);
      const broker = await Broker.open({ dataDir: dir.dir, maxWorkers: 1 });
      try {
        const app = createDurableStreamsApp(broker);
        const text = await (await app.request("/v1/stream/c")).text();
        const records = text.split("|").filter(Boolean).map((r) => /^e(\d+)s(\d+)$/.exec(r)!).map((m) => [Number(m[1]), Number(m[2])]);
        const mine = records.filter(([e]) => e === epoch).map(([, s]) => s);
        assert.equal(mine, mine.map((_, i) => i), `epoch ${epoch}: seqs in order, none twice, none missing`);
        assert.ok(mine.length >= acked + 1, `epoch ${epoch}: ${mine.length} stored, ${acked + 1} acknowledged`);
        for (const [e, count] of present) assert.is(records.filter(([x]) => x === e).length, count, `epoch ${e} unchanged`);
        present.set(epoch, mine.length);
        const last = mine.length - 1;
        const post = (seq: number) => app.request("/v1/stream/c", {
          method: "POST",
          headers: { "content-type": "text/plain", "producer-id": "p", "producer-epoch": String(epoch), "producer-seq": String(seq) },
          body: `e${epoch}s${seq}|`,
        });
        const retry = await post(last);
        assert.is(retry.status, 204, "the last stored append is a duplicate after recovery");
        assert.is(retry.headers.get("producer-seq"), String(last));
        assert.is((await post(last + 2)).headers.get("producer-expected-seq"), String(last + 1));
        assert.is((await post(last + 1)).status, 200);
        present.set(epoch, mine.length + 1);
      } finally {
        await broker.close();
      }
    }
  } finally {
    dir.remove();
  }
});

test.run();
