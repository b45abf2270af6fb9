import { test } from "uvu";
import * as assert from "uvu/assert";
import { ManualClock } from "../core/clock.ts";
import { isRivuletError } from "../core/errors.ts";
import type { ActorStatus } from "./actor-ref.ts";
import { spawn } from "./spawn.ts";
import { RestartPolicy, type StatusDetail } from "./supervision.ts";

type Msg = { type: "bug" } | { type: "starts" } | { type: "slow"; ms: number };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("RestartPolicy.onCrash() doubles the backoff up to its ceiling, then fails", () => {
  const clock = new ManualClock();
  const policy = new RestartPolicy({ maxRestarts: 3, windowMs: 1_000, backoffMinMs: 10, backoffMaxMs: 25 }, clock);
  assert.equal(policy.onCrash(), { type: "restart", delayMs: 10, restarts: 1 });
  assert.equal(policy.onCrash(), { type: "restart", delayMs: 20, restarts: 2 });
  assert.equal(policy.onCrash(), { type: "restart", delayMs: 25, restarts: 3 });
  assert.equal(policy.onCrash(), { type: "fail", restarts: 4 });
});

test("RestartPolicy.onCrash() forgets crashes older than the window", () => {
  const clock = new ManualClock();
  const policy = new RestartPolicy({ maxRestarts: 1, windowMs: 1_000, backoffMinMs: 10, backoffMaxMs: 100 }, clock);
  assert.is(policy.onCrash().type, "restart");
  clock.advance(1_000);
  assert.is(policy.restarts, 0);
  assert.equal(policy.onCrash(), { type: "restart", delayMs: 10, restarts: 1 });
});

/** An actor that counts its starts in `starts` and crashes (a plain Error) on "bug". */
function flaky(starts: { count: number }, options: { startFails?: () => boolean } = {}) {
  return () => ({
    start: () => {
      starts.count++;
      if (options.startFails?.()) throw new Error("assertion failed in start");
    },
    receive: async (message: Msg): Promise<number> => {
      switch (message.type) {
        case "bug": throw new Error("assertion failed");
        case "starts": return starts.count;
        case "slow": await sleep(message.ms); return starts.count;
      }
    },
  });
}

test("spawn() re-creates a crashed actor after backoff; the in-flight ask fails retriably, later ones wait", async () => {
  const starts = { count: 0 };
  const seen: [ActorStatus, StatusDetail, number][] = [];
  const ref = spawn<Msg, number>("flaky", flaky(starts), {
    dispatch: "pipelined",
    supervision: { backoffMinMs: 30, backoffMaxMs: 100, onStatus: (status, detail) => seen.push([status, detail, performance.now()]) },
  });
  const slow = ref.ask({ type: "slow", ms: 50 });
  const crashed = await ref.ask({ type: "bug" }).catch((e) => e);
  assert.ok(isRivuletError(crashed, "actor_restarting") && crashed.retriable, String(crashed));
  assert.ok(isRivuletError(await slow.catch((e) => e), "actor_restarting"), "every ask in flight fails");
  assert.is(ref.status(), "restarting");
  assert.is(await ref.ask({ type: "starts" }), 2, "waited for start() of the new actor");
  assert.equal(seen.map(([status]) => status), ["running", "restarting", "running"]);
  // Measured from the crash itself (its status report), not from a later line of this test,
  // which a loaded machine may reach well after the backoff began. Timers never fire early
  // by more than the clock's rounding.
  assert.ok(seen[2][2] - seen[1][2] >= 29, `waited out the 30 ms backoff (${(seen[2][2] - seen[1][2]).toFixed(1)} ms)`);
  assert.is(seen[1][1].restarts, 1);
  assert.is(seen[1][1].error?.message, "assertion failed");
  await ref.stop();
});

test("spawn() marks an actor failed after more than maxRestarts crashes in the window", async () => {
  const starts = { count: 0 };
  const seen: ActorStatus[] = [];
  let restarting!: () => void;
  const firstRestart = new Promise<void>((resolve) => (restarting = resolve));
  const ref = spawn<Msg, number>("doomed", flaky(starts, { startFails: () => starts.count > 1 }), {
    supervision: {
      maxRestarts: 2, backoffMinMs: 1, backoffMaxMs: 4,
      onStatus: (status) => (seen.push(status), status === "restarting" && restarting()),
    },
  });
  assert.is(await ref.ask({ type: "starts" }), 1);
  ref.tell({ type: "bug" });
  await firstRestart;
  const error = await ref.ask({ type: "starts" }).catch((e) => e);
  assert.ok(isRivuletError(error, "actor_failed") && !error.retriable, "a waiting ask fails with the actor: " + error);
  assert.is(ref.status(), "failed");
  assert.is(starts.count, 3, "first start and two failed restarts");
  assert.equal(seen, ["running", "restarting", "restarting", "failed"]);
  assert.ok(isRivuletError(await ref.ask({ type: "starts" }).catch((e) => e), "actor_failed"));
  assert.throws(() => ref.tell({ type: "starts" }), (e: unknown) => isRivuletError(e, "actor_failed"));
  await ref.stop();
});

test("ask() waiting longer than restartWaitMs for a restart fails with actor_restarting", async () => {
  const starts = { count: 0 };
  const ref = spawn<Msg, number>("slow-restart", flaky(starts), {
    restartWaitMs: 20,
    supervision: { backoffMinMs: 5_000, backoffMaxMs: 5_000 }, // far beyond the 20 ms wait, whatever the load; stop() ends it at once
  });
  await ref.ask({ type: "bug" }).catch(() => {});
  const error = await ref.ask({ type: "starts" }).catch((e) => e);
  assert.ok(isRivuletError(error, "actor_restarting"), String(error));
  // Given up by its own 20 ms bound while the 5 s restart was still pending, whatever the
  // wall clock shows on a loaded machine.
  assert.match(error.message, "did not come back within 20 ms");
  assert.is(ref.status(), "restarting");
  await ref.stop();
  assert.is(ref.status(), "stopped");
});

test("tell() refuses with mailbox_full past restartQueueRequestsMax while restarting", async () => {
  const starts = { count: 0 };
  let running!: () => void;
  const restarted = new Promise<void>((resolve) => (running = resolve));
  const ref = spawn<Msg, number>("queue", flaky(starts), {
    restartQueueRequestsMax: 2,
    supervision: { backoffMinMs: 20, backoffMaxMs: 20, onStatus: (status) => status === "running" && starts.count === 2 && running() },
  });
  await ref.ask({ type: "bug" }).catch(() => {});
  ref.tell({ type: "starts" });
  ref.tell({ type: "starts" });
  assert.throws(() => ref.tell({ type: "starts" }), (e: unknown) => isRivuletError(e, "mailbox_full"));
  assert.is(await ref.ask({ type: "starts" }).catch((e) => e.code), "mailbox_full");
  await restarted; // the restart, not a guess at how long it takes
  assert.is(await ref.ask({ type: "starts" }), 2);
  await ref.stop();
});

test.run();
