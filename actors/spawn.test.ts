import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError, RivuletError } from "../core/errors.ts";
import type { Actor } from "./actor.ts";
import { spawn } from "./spawn.ts";

type Msg = { type: "add"; amount: number } | { type: "total" } | { type: "fail" } | { type: "slow"; ms: number; tag: string };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Counter implements Actor<Msg, number> {
  total = 0;
  receive(message: Msg): number | Promise<number> {
    switch (message.type) {
      case "add": return (this.total += message.amount);
      case "total": return this.total;
      case "fail": throw new RivuletError("invalid_offset", "offset -1 is invalid", { offset: -1 });
      case "slow": return sleep(message.ms).then(() => this.total);
    }
  }
}

test("spawn() tells and asks a main-thread actor", async () => {
  const ref = spawn<Msg, number>("counter", () => new Counter());
  assert.is(ref.status(), "starting");
  ref.tell({ type: "add", amount: 2 });
  ref.tell({ type: "add", amount: 3 });
  assert.is(await ref.ask({ type: "total" }), 5);
  assert.is(ref.status(), "running");
  await ref.stop();
});

test("ask() rejects with the code receive threw, without a restart", async () => {
  const statuses: string[] = [];
  const ref = spawn<Msg, number>("counter", () => new Counter(), { supervision: { onStatus: (s) => statuses.push(s) } });
  ref.tell({ type: "add", amount: 1 });
  const error = await ref.ask({ type: "fail" }).catch((e) => e);
  assert.ok(isRivuletError(error, "invalid_offset"));
  assert.equal(error.info, { offset: -1 });
  assert.is(await ref.ask({ type: "total" }), 1, "state survived");
  assert.equal(statuses, ["running"]);
  await ref.stop();
});

function recorder(log: string[]): Actor<Msg, number> {
  return {
    receive: async (message) => {
      if (message.type !== "slow") return 0;
      log.push(`begin ${message.tag}`);
      await sleep(message.ms);
      log.push(`end ${message.tag}`);
      return 0;
    },
  };
}

test("spawn() with dispatch serial delivers the next message after the previous settled", async () => {
  const log: string[] = [];
  const ref = spawn<Msg, number>("serial", () => recorder(log));
  await Promise.all([ref.ask({ type: "slow", ms: 20, tag: "a" }), ref.ask({ type: "slow", ms: 1, tag: "b" })]);
  assert.equal(log, ["begin a", "end a", "begin b", "end b"]);
  await ref.stop();
});

test("spawn() with dispatch pipelined delivers the next message once receive returned", async () => {
  const log: string[] = [];
  const ref = spawn<Msg, number>("pipelined", () => recorder(log), { dispatch: "pipelined" });
  await Promise.all([ref.ask({ type: "slow", ms: 20, tag: "a" }), ref.ask({ type: "slow", ms: 1, tag: "b" })]);
  assert.equal(log, ["begin a", "begin b", "end b", "end a"]);
  await ref.stop();
});

test("tell() and ask() refuse with mailbox_full past mailboxCapacity", async () => {
  const ref = spawn<Msg, number>("small", () => new Counter(), { mailboxCapacity: 2 });
  const first = ref.ask({ type: "slow", ms: 30, tag: "a" });
  ref.tell({ type: "add", amount: 1 });
  assert.throws(() => ref.tell({ type: "add", amount: 1 }), (e: unknown) => isRivuletError(e, "mailbox_full") && e.retriable);
  const refused = await ref.ask({ type: "total" }).catch((e) => e);
  assert.ok(isRivuletError(refused, "mailbox_full"));
  assert.is(await first, 0);
  assert.is(await ref.ask({ type: "total" }), 1, "room again once answered");
  await ref.stop();
});

test("ask() rejects with timeout after timeoutMs and keeps the slot until the actor is done", async () => {
  let finish!: () => void;
  const gate = new Promise<void>((resolve) => (finish = resolve));
  const ref = spawn<Msg, number>("slow", () => ({
    receive: async (message) => {
      if (message.type === "slow") await gate; // answers only when the test says so, not after a time
      return 0;
    },
  }), { mailboxCapacity: 1 });
  const error = await ref.ask({ type: "slow", ms: 0, tag: "a" }, { timeoutMs: 20 }).catch((e) => e);
  assert.ok(isRivuletError(error, "timeout") && error.retriable);
  assert.match(error.message, "timed out after 20 ms"); // not answered: the actor is held at the gate
  assert.throws(() => ref.tell({ type: "total" }), (e: unknown) => isRivuletError(e, "mailbox_full"));
  finish();
  await new Promise((resolve) => setImmediate(resolve)); // the answer's promise chain settles: the slot is free
  assert.is(await ref.ask({ type: "total" }), 0);
  await ref.stop();
});

test("stop() drains queued messages, runs stop() and then refuses with closed", async () => {
  const log: string[] = [];
  const ref = spawn<Msg, number>("stopping", () => ({
    receive: async (message) => {
      await sleep(5);
      log.push(message.type);
      return 0;
    },
    stop: () => void log.push("stop"),
  }));
  const answers = [ref.ask({ type: "total" }), ref.ask({ type: "total" })];
  ref.tell({ type: "add", amount: 1 });
  await ref.stop();
  assert.equal(log, ["total", "total", "add", "stop"]);
  assert.equal(await Promise.all(answers), [0, 0]);
  assert.is(ref.status(), "stopped");
  assert.ok(isRivuletError(await ref.ask({ type: "total" }).catch((e) => e), "closed"));
  assert.throws(() => ref.tell({ type: "total" }), (e: unknown) => isRivuletError(e, "closed"));
});

test("spawn() gives the actor a context whose self reaches it", async () => {
  type Tick = { type: "tick" } | { type: "count" } | { type: "name" };
  let ticks = 0;
  const ref = spawn<Tick, number | string>("ticker", () => ({
    start: (context) => context.self.tell({ type: "tick" }),
    receive: (message, context) => {
      if (message.type === "tick" && ++ticks < 3) context.self.tell({ type: "tick" });
      return message.type === "name" ? context.name : ticks;
    },
  }));
  while (ticks < 3) await new Promise((resolve) => setImmediate(resolve)); // the self-sent ticks, not a fixed wait
  assert.is(await ref.ask({ type: "count" }), 3);
  assert.is(await ref.ask({ type: "name" }), "ticker");
  await ref.stop();
});

test.run();
