import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { threadId } from "node:worker_threads";
import { isRivuletError } from "../core/errors.ts";
import type { TestInfo, TestInit, TestMessage } from "../test/support/fixtures/test-actor-worker.ts";
import { spawnWorkerActor } from "./worker-actor.ts";

const moduleUrl = new URL("../test/support/fixtures/test-actor-worker.ts", import.meta.url);
const init = (): TestInit => ({ generation: 1 });

test("spawnWorkerActor() resolves once start() ran, and the actor answers asks on its own thread", async () => {
  const ref = await spawnWorkerActor<TestMessage, unknown>("echo", moduleUrl, { init });
  assert.is(ref.status(), "running");
  assert.equal(await ref.ask({ type: "echo", value: { a: [1, "x"] } }), { a: [1, "x"] });
  const info = (await ref.ask({ type: "info" })) as TestInfo;
  assert.equal(info.init, { generation: 1 });
  assert.is(info.name, "echo");
  assert.ok(info.startedBeforeFirstMessage);
  assert.is.not(info.threadId, threadId);
  assert.is(ref.crash, undefined, "no fault injection unless asked for");
  await ref.stop();
  assert.is(ref.status(), "stopped");
});

test("ask() transfers buffers to the worker and reply() transfers them back", async () => {
  const ref = await spawnWorkerActor<TestMessage, unknown>("transfer", moduleUrl, { init });
  const bytes = new Uint8Array(64 * 1024);
  const answer = (await ref.ask({ type: "fill", bytes, returnIt: true }, { transfer: [bytes.buffer] })) as { received: number; bytes: Uint8Array };
  assert.is(bytes.byteLength, 0, "the sender's buffer is detached");
  assert.is(answer.received, 64 * 1024);
  assert.is(answer.bytes.byteLength, 64 * 1024);
  assert.ok(answer.bytes.every((b) => b === 7));
  const detached = await ref.ask({ type: "fill", bytes, returnIt: false }, { transfer: [bytes.buffer] }).catch((e) => e);
  assert.ok(isRivuletError(detached, "invalid_request"), "a detached buffer is the caller's error: " + detached);
  assert.ok(isRivuletError(await ref.ask({ type: "echo", value: () => 1 }).catch((e) => e), "invalid_request"));
  assert.is(ref.status(), "running", "the worker did not crash over it");
  const copied = new Uint8Array(16);
  await ref.ask({ type: "fill", bytes: copied, returnIt: false });
  assert.is(copied.byteLength, 16, "without transfer the buffer is copied");
  await ref.stop();
});

test("ask() rethrows a RivuletError from the worker's receive with its code, and the worker lives on", async () => {
  const ref = await spawnWorkerActor<TestMessage, unknown>("errors", moduleUrl, { init, faultInjection: true });
  const before = (await ref.ask({ type: "info" })) as TestInfo;
  const error = await ref.ask({ type: "reject", code: "offset_out_of_range" }).catch((e) => e);
  assert.ok(isRivuletError(error, "offset_out_of_range"), String(error));
  assert.is(error.retriable, false);
  assert.equal(error.info, { asked: "offset_out_of_range" });
  const retriable = await ref.ask({ type: "reject", code: "mailbox_full" }).catch((e) => e);
  assert.ok(isRivuletError(retriable, "mailbox_full") && retriable.retriable);
  const after = (await ref.ask({ type: "info" })) as TestInfo;
  assert.is(after.threadId, before.threadId, "no restart");
  assert.is(ref.status(), "running");
  await ref.stop();
});

test("spawnWorkerActor() with dispatch serial or pipelined orders messages in the worker", async () => {
  for (const [dispatch, expected] of [
    ["serial", ["begin a", "end a", "begin b", "end b"]],
    ["pipelined", ["begin a", "begin b", "end b", "end a"]],
  ] as const) {
    const ref = await spawnWorkerActor<TestMessage, unknown>(dispatch, moduleUrl, { init, dispatch });
    assert.equal(await Promise.all([ref.ask({ type: "order", tag: "a", ms: 30 }), ref.ask({ type: "order", tag: "b", ms: 1 })]), ["a", "b"]);
    assert.equal(await ref.ask({ type: "log" }), expected, dispatch);
    await ref.stop();
  }
});

test("tell() on a worker actor refuses with mailbox_full past mailboxCapacity", async () => {
  const ref = await spawnWorkerActor<TestMessage, unknown>("small", moduleUrl, { init, mailboxCapacity: 2 });
  const slow = ref.ask({ type: "order", tag: "a", ms: 30 });
  ref.tell({ type: "order", tag: "b", ms: 1 });
  assert.throws(() => ref.tell({ type: "log" }), (e: unknown) => isRivuletError(e, "mailbox_full"));
  await slow; // b is in flight behind a, and the serial worker answers log after b
  assert.equal(await ref.ask({ type: "log" }), ["begin a", "end a", "begin b", "end b"]);
  await ref.stop();
});

test("stop() drains in-flight asks, runs the worker actor's stop() and refuses afterwards", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rivulet-actor-"));
  const stopMarker = join(dir, "stopped");
  try {
    const ref = await spawnWorkerActor<TestMessage, unknown>("stopper", moduleUrl, { init: () => ({ generation: 1, stopMarker }) });
    const answers = [ref.ask({ type: "order", tag: "a", ms: 20 }), ref.ask({ type: "order", tag: "b", ms: 1 })];
    await ref.stop();
    assert.equal(await Promise.all(answers), ["a", "b"]);
    assert.ok(existsSync(stopMarker), "stop() ran in the worker");
    assert.is(readFileSync(stopMarker, "utf8"), "stopped after 4 ordered messages");
    assert.ok(isRivuletError(await ref.ask({ type: "info" }).catch((e) => e), "closed"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
