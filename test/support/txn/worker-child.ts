/**
 * The consume-transform-produce worker of the exactly-once crash test, on kafkajs: reads the
 * input topic in a consumer group (read_committed), and for each chunk of up to `chunk` input
 * records runs one transaction that writes one output record per input (key: the input's id,
 * value `<input>|<txn>`, header `txn`) and adds the chunk's input offsets to the same
 * transaction (`sendOffsets`), then commits. Every step is printed to stdout (synchronously,
 * before the next step starts) in the line format of `history.ts`, so the parent keeps the
 * history of a worker it SIGKILLs. Tests only.
 *
 * Modes:
 * - `exactly-once`: as above;
 * - `offsets-outside`: deliberately broken — commits the chunk's input offsets with a plain
 *   OffsetCommit *before* the transaction, so a crash inside the transaction loses the inputs.
 *
 * Every `abortEvery`-th transaction (0: none) is aborted on purpose after its outputs and
 * offsets were sent, and its chunk done again in a new one. With `holdAfterSent` N (0: never),
 * the worker stops after its Nth `sent` line and waits to be killed, so a kill at that point
 * always lands inside the transaction (however fast the broker would have committed it).
 *
 * Usage: `<runtime> test/support/txn/worker-child.ts <address> <input> <output> <group> <transactionalId> <name> <mode> <chunk> [abortEvery] [holdAfterSent]`
 */
import { Kafka, logLevel, type KafkaMessage } from "kafkajs";
import { writeLineSync } from "../write-line.ts";

const [address, input, output, groupId, transactionalId, name, mode, chunkArg, abortEveryArg, holdAfterSentArg] = process.argv.slice(2);
const modes = ["exactly-once", "offsets-outside"];
const chunkSize = Number(chunkArg);
const abortEvery = Number(abortEveryArg ?? 0);
const holdAfterSent = Number(holdAfterSentArg ?? 0);
let sentLines = 0;
if (!address || !input || !output || !groupId || !transactionalId || !name || !modes.includes(mode) || !(chunkSize > 0)) {
  throw new TypeError(`usage: worker-child.ts <address> <input> <output> <group> <transactionalId> <name> <${modes.join("|")}> <chunk> [abortEvery] [holdAfterSent]`);
}

const kafka = new Kafka({ clientId: name, brokers: [address], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });
const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
await producer.connect();
await consumer.connect();
await consumer.subscribe({ topic: input, fromBeginning: true });
let n = 0;
writeLineSync("ready");

/**
 * Ends the worker on a failed transaction step. While the broker is up nothing here should fail;
 * once the parent has killed the broker the worker is killed too, so an exit is only seen when
 * the failure is real.
 */
function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/**
 * One transaction over `chunk` of `partition`: outputs, input offsets, then commit — or, when
 * `abort` is set, a deliberate abort after the outputs and offsets were sent (a processing
 * failure the caller retries), so the log holds aborted records that read_committed must hide.
 */
async function transaction(chunk: KafkaMessage[], partition: number, abort: boolean): Promise<void> {
  const id = `${name}-t${++n}`;
  const next = Number(chunk[chunk.length - 1].offset) + 1;
  const inputs = chunk.map((m) => m.value?.toString() ?? "null");
  writeLineSync(`begin ${id}`);
  chunk.forEach((m, j) => writeLineSync(`read ${id} ${partition} ${m.offset} ${inputs[j]}`));
  if (mode === "offsets-outside") await consumer.commitOffsets([{ topic: input, partition, offset: String(next) }]);
  const tx = await producer.transaction().catch((error: unknown) => fail(`${id}: could not begin: ${String(error)}`));
  try {
    await tx.send({ topic: output, messages: inputs.map((value) => ({ key: value, value: `${value}|${id}`, headers: { txn: id } })) });
    writeLineSync(`sent ${id} ${chunk.length}`);
    if (++sentLines === holdAfterSent) await new Promise<never>(() => {}); // the parent kills the broker and this worker now
    if (mode !== "offsets-outside") {
      writeLineSync(`offsets ${id} ${partition}:${next}`);
      await tx.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition, offset: String(next) }] }] });
    }
  } catch (error) {
    writeLineSync(`abort ${id}`);
    await tx.abort().then(() => writeLineSync(`aborted ${id}`), () => undefined);
    fail(`${id}: ${String(error)}`);
  }
  if (abort) {
    writeLineSync(`abort ${id}`);
    await tx.abort().catch((error: unknown) => fail(`${id}: abort failed: ${String(error)}`));
    writeLineSync(`aborted ${id}`);
    return;
  }
  writeLineSync(`commit ${id}`);
  await tx.commit().catch((error: unknown) => fail(`${id}: commit failed: ${String(error)}`));
  writeLineSync(`committed ${id}`);
}

await consumer.run({
  autoCommit: false,
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
    for (let i = 0; i < batch.messages.length; i += chunkSize) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(i, i + chunkSize);
      // Every `abortEvery`-th transaction is aborted on purpose, then the chunk is done again.
      if (abortEvery > 0 && (n + 1) % abortEvery === 0) await transaction(chunk, batch.partition, true);
      await transaction(chunk, batch.partition, false);
      resolveOffset(chunk[chunk.length - 1].offset);
      await heartbeat();
    }
  },
});
