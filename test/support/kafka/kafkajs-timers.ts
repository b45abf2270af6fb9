/**
 * Imported for its effect: kafkajs 2.2.4's request queue schedules its "check pending requests"
 * timer at `throttledUntil - Date.now()` even when it was never throttled (`throttledUntil` is
 * -1) and nothing is pending — a delay of minus the epoch. Bun and Deno print
 * `TimeoutNegativeWarning: -1796… is a negative number` for it (Node 23+ too), and every
 * connection then re-checks its empty queue every millisecond. The replacement schedules a check
 * only when one is due: at the end of a throttle, or soon while requests wait (kafkajs's own
 * 10 ms). The same fix as kafkajs's pending pull request for its issue 1751.
 */
import { createRequire } from "node:module";

/** kafkajs's interval for re-checking waiting requests, ms. */
const checkPendingIntervalMs = 10;

interface RequestQueueLike {
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  pending: unknown[];
  checkPendingRequests(): void;
}

const require = createRequire(import.meta.url);
const RequestQueue = require("kafkajs/src/network/requestQueue/index.js") as { prototype: RequestQueueLike & { scheduleCheckPendingRequests(): void } };

RequestQueue.prototype.scheduleCheckPendingRequests = function (this: RequestQueueLike): void {
  if (this.throttleCheckTimeoutId) return;
  const throttledFor = this.throttledUntil - Date.now();
  if (this.pending.length === 0 && throttledFor <= 0) return;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, throttledFor > 0 ? throttledFor : checkPendingIntervalMs);
};
