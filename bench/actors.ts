/**
 * Actor runtime benchmark: ask round-trip latency (p50/p99) and message throughput, for an
 * actor on the main thread and one on a worker thread (comlink over node:worker_threads).
 *
 *   node --import tsx bench/actors.ts   |   bun bench/actors.ts   |   deno run -A bench/actors.ts
 */
import { runtimeName } from "../runtime/runtime-name.ts";
import type { ActorRef } from "../actors/actor-ref.ts";
import { spawn } from "../actors/spawn.ts";
import { spawnWorkerActor } from "../actors/worker-actor.ts";
import type { TestMessage } from "../test/support/fixtures/test-actor-worker.ts";

const roundTrips = 5_000;
const messages = 50_000;
const window = 256;

function percentile(sortedUs: number[], p: number): number {
  return sortedUs[Math.min(sortedUs.length - 1, Math.floor((p / 100) * sortedUs.length))];
}

/** Sequential asks: one at a time, each timed. */
async function latency(ref: ActorRef<TestMessage, unknown>): Promise<{ p50Us: number; p99Us: number }> {
  for (let i = 0; i < 500; i++) await ref.ask({ type: "echo", value: i }); // warm up
  const us: number[] = [];
  for (let i = 0; i < roundTrips; i++) {
    const started = performance.now();
    await ref.ask({ type: "echo", value: i });
    us.push((performance.now() - started) * 1_000);
  }
  us.sort((a, b) => a - b);
  return { p50Us: percentile(us, 50), p99Us: percentile(us, 99) };
}

/** Asks kept `window` deep, as a busy producer would. */
async function throughput(ref: ActorRef<TestMessage, unknown>): Promise<number> {
  const started = performance.now();
  let sent = 0;
  const lane = async (): Promise<void> => {
    while (sent < messages) {
      sent++;
      await ref.ask({ type: "echo", value: sent });
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
  return messages / ((performance.now() - started) / 1_000);
}

const local = spawn<TestMessage, unknown>("bench-local", () => ({ receive: (message) => (message.type === "echo" ? message.value : null) }));
const worker = await spawnWorkerActor<TestMessage, unknown>("bench-worker", new URL("../test/support/fixtures/test-actor-worker.ts", import.meta.url), {
  init: () => ({ generation: 1 }),
  dispatch: "pipelined",
});
for (const [where, ref] of [["main thread", local], ["worker thread", worker]] as const) {
  const { p50Us, p99Us } = await latency(ref);
  const perSecond = await throughput(ref);
  console.log(`${runtimeName.padEnd(4)} ${where.padEnd(13)} ask p50 ${p50Us.toFixed(1)} µs  p99 ${p99Us.toFixed(1)} µs  ${Math.round(perSecond).toLocaleString("en")} asks/s (${window} in flight)`);
}
await local.stop();
await worker.stop();
