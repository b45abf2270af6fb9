import { test } from "uvu";
import * as assert from "uvu/assert";
import { ManualClock } from "../core/clock.ts";
import { GroupSessions } from "./group-sessions.ts";
import { ManualTimers, systemTimers } from "./group-timers.ts";

test("ManualTimers.advance() fires due timers in order at their due time, including ones set while firing", () => {
  const clock = new ManualClock(0);
  const timers = new ManualTimers(clock);
  const fired: string[] = [];
  timers.set(() => fired.push(`b@${clock.now()}`), 20);
  timers.set(() => {
    fired.push(`a@${clock.now()}`);
    timers.set(() => fired.push(`c@${clock.now()}`), 5);
  }, 10);
  const cancelled = timers.set(() => fired.push("never"), 12);
  timers.set(() => fired.push("late"), 31);
  timers.cancel(cancelled);
  timers.advance(30);
  assert.equal(fired, ["a@10", "c@15", "b@20"]);
  assert.is(clock.now(), 30);
  assert.is(timers.size, 1);
});

test("systemTimers.set() fires after the delay, and cancel() stops it", async () => {
  const fired: string[] = [];
  systemTimers.set(() => fired.push("kept"), 5);
  systemTimers.cancel(systemTimers.set(() => fired.push("cancelled"), 1));
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(fired, ["kept"]);
});

test("GroupSessions.touch() extends a session; silence past the timeout expires it once", () => {
  const clock = new ManualClock(0);
  const timers = new ManualTimers(clock);
  const expired: string[] = [];
  const sessions = new GroupSessions({ clock, timers, onExpire: (id) => expired.push(`${id}@${clock.now()}`) });
  sessions.touch("a", 100);
  sessions.touch("b", 100);
  timers.advance(60);
  sessions.touch("a", 100);
  timers.advance(60);
  assert.equal(expired, ["b@100"]);
  timers.advance(100);
  assert.equal(expired, ["b@100", "a@160"]);
  assert.is(timers.size, 0);
});

test("GroupSessions keeps kept-alive members and forgets removed ones without expiring them", () => {
  const clock = new ManualClock(0);
  const timers = new ManualTimers(clock);
  const expired: string[] = [];
  let held = true;
  const sessions = new GroupSessions({ clock, timers, onExpire: (id) => expired.push(id), keepAlive: (id) => id === "held" && held });
  sessions.touch("held", 100);
  sessions.touch("gone", 100);
  sessions.remove("gone");
  timers.advance(1_000);
  assert.equal(expired, []);
  held = false;
  timers.advance(100);
  assert.equal(expired, ["held"]);
});

test.run();
