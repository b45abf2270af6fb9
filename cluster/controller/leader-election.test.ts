import { test } from "uvu";
import * as assert from "uvu/assert";
import { electOffline, electPreferred } from "./leader-election.ts";

const live = (...ids: number[]) => new Set(ids);

test("a dead leader is replaced by the first live ISR member in replica order, epoch + 1, and leaves the ISR", () => {
  const e = electOffline({ leader: 1, leader_epoch: 4, isr: [3, 1, 2] }, [1, 2, 3], live(2, 3), false);
  assert.equal(e, { kind: "offline", state: { leader: 2, leader_epoch: 5, isr: [3, 2] } });
});

test("a live leader is left alone", () => {
  assert.is(electOffline({ leader: 2, leader_epoch: 1, isr: [2] }, [1, 2, 3], live(1, 2, 3), false), null);
});

test("no live ISR member: leaderless with the ISR kept (the last leader can come back cleanly), unless unclean election is allowed", () => {
  const state = { leader: 1, leader_epoch: 2, isr: [1] };
  assert.equal(electOffline(state, [1, 2, 3], live(2, 3), false), { kind: "offline", state: { leader: -1, leader_epoch: 3, isr: [1] } });
  assert.equal(electOffline(state, [1, 2, 3], live(2, 3), true), { kind: "unclean", state: { leader: 2, leader_epoch: 3, isr: [2] } });
  // Already leaderless and still nobody: no write.
  assert.is(electOffline({ leader: -1, leader_epoch: 3, isr: [1] }, [1, 2, 3], live(2, 3), false), null);
  // The last ISR member returns: it leads again.
  assert.equal(electOffline({ leader: -1, leader_epoch: 3, isr: [1] }, [1, 2, 3], live(1, 2, 3), false), { kind: "offline", state: { leader: 1, leader_epoch: 4, isr: [1] } });
});

test("the preferred replica leads again only when live and in the ISR", () => {
  const state = { leader: 2, leader_epoch: 5, isr: [2, 3] };
  assert.is(electPreferred(state, [1, 2, 3], live(1, 2, 3)), null, "not in the ISR yet");
  assert.equal(electPreferred({ ...state, isr: [2, 3, 1] }, [1, 2, 3], live(1, 2, 3)), { kind: "preferred", state: { leader: 1, leader_epoch: 6, isr: [2, 3, 1] } });
  assert.is(electPreferred({ ...state, isr: [2, 3, 1] }, [1, 2, 3], live(2, 3)), null, "not live");
  assert.is(electPreferred({ leader: 1, leader_epoch: 1, isr: [1] }, [1, 2, 3], live(1)), null, "already preferred");
});

test.run();
