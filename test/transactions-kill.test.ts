import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RivuletError } from "../core/errors.ts";
import { runUntilKilled } from "./support/kill-child.ts";
import { Broker } from "../transactions/broker.ts";
import { tempDir } from "./support/temp-dir.ts";
import { storedBatches, whenState } from "./support/transactions.ts";

// kill -9 of a broker process with a transaction open: after the restart the transaction is
// aborted once its timeout passes (markers on its partitions, its offsets dropped), the
// committed one stands, the killed producer's epoch is fenced and a new producer with the same
// transactional id carries on.

const root = fileURLToPath(new URL("..", import.meta.url));
const child = join(root, "test", "support", "fixtures", "transaction-child.ts");

/** Runs the child until it reports its open transaction, then SIGKILLs it. */
async function runAndKill(dataDir: string): Promise<{ producerId: number; producerEpoch: number }> {
  const [open] = await runUntilKilled({
    script: child,
    args: [dataDir],
    cwd: root,
    parse: ([kind, producerId, producerEpoch]) => (kind === "open" ? { producerId: Number(producerId), producerEpoch: Number(producerEpoch) } : null),
    armsKill: () => true,
    delayMs: 0,
    guardMs: 60_000,
  });
  return open;
}

test("kill -9 with a transaction open: after restart it is aborted, the committed one stands, the old producer is fenced", async () => {
  const dir = tempDir();
  try {
    const killed = await runAndKill(dir.dir);
    const broker = await Broker.open({ dataDir: dir.dir, maxWorkers: 2 });
    try {
      const c = broker.transactions;
      const aborted = await whenState(c, "killed", "CompleteAbort");
      assert.is(aborted.producerEpoch, killed.producerEpoch + 1, "the abort fenced the killed producer");
      const summary = async (partition: number) => (await storedBatches(broker, "tx-kill", partition)).map((b) => b.marker ?? b.values.join());
      assert.equal(await summary(0), ["committed", "commit", "open", "abort"]);
      assert.equal(await summary(1), ["committed", "commit"]);
      assert.is((await broker.groups.fetchOffsets("kill-group", [{ topic: "tx-kill", partition: 0 }]))[0].offset, 1, "the open transaction's offset was dropped");
      const stale = { transactionalId: "killed", ...killed };
      const fenced = await c.endTxn(stale, true).then(() => null, (e: unknown) => e);
      assert.ok(fenced instanceof RivuletError && fenced.code === "producer_fenced");
      const successor = broker.producer({ transactionalId: "killed" });
      await successor.transaction(async (tx) => void (await tx.send("tx-kill", { value: "after", partition: 1 })));
      assert.equal(await summary(1), ["committed", "commit", "after", "commit"]);
      assert.ok(c.describe("killed")!.producerEpoch > aborted.producerEpoch);
    } finally {
      await broker.close();
    }
  } finally {
    dir.remove();
  }
});

test.run();
