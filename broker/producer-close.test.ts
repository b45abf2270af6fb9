import { test } from "uvu";
import * as assert from "uvu/assert";
import { systemClock } from "../core/clock.ts";
import { isRivuletError, RivuletError } from "../core/errors.ts";
import { resolveLimits } from "../core/limits.ts";
import { parseTopicConfig } from "../core/topic-config.ts";
import { Producer, type ProducerHost } from "./producer.ts";

/**
 * A partition that refuses every batch retriably, as a clustered broker's partition refuses
 * (`not_leader`) once its leadership moved to another broker: the producer would retry it until
 * its delivery timeout.
 */
function refusingHost(): ProducerHost & { attempts: number; firstAttempt: Promise<void> } {
  let arrived!: () => void;
  const host = {
    attempts: 0,
    firstAttempt: new Promise<void>((resolve) => (arrived = resolve)),
    limits: resolveLimits(),
    clock: systemClock,
    topicConfig: () => ({ partitions: 1, config: parseTopicConfig({}) }),
    allocateProducerId: async () => 7,
    appendRecords: async () => {
      host.attempts++;
      arrived();
      throw new RivuletError("not_leader", "this broker follows t/0; write to its leader", { topic: "t", partition: 0 });
    },
  };
  return host;
}

test("close() stops retrying: a batch its partition keeps refusing retriably fails with `closed` instead of holding the close for the delivery timeout", async () => {
  const host = refusingHost();
  // a delivery timeout longer than the test runner allows a file: without the rule, close() would outlast it
  const producer = new Producer(host, { deliveryTimeoutMs: 600_000 });
  const sent = producer.send("t", { value: "v", partition: 0 }).then(() => null, (error: unknown) => error);
  await host.firstAttempt;
  await producer.close();
  const error = await sent;
  assert.ok(isRivuletError(error, "closed"), `got ${String(error)}`);
  assert.match((error as Error).message, /not_leader|follows t\/0/);
  const attempts = host.attempts;
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(host.attempts, attempts, "nothing is retried after the close");
});

test("close() still delivers what its partition takes", async () => {
  let appended = 0;
  const host: ProducerHost = {
    limits: resolveLimits(),
    clock: systemClock,
    topicConfig: () => ({ partitions: 1, config: parseTopicConfig({}) }),
    allocateProducerId: async () => 7,
    appendRecords: async (_topic, _partition, block) => {
      const baseOffset = appended;
      appended += block.count;
      return { baseOffset, lastOffset: appended - 1, logAppendTime: -1, logStartOffset: 0 };
    },
  };
  const producer = new Producer(host);
  const sent = producer.sendBatch("t", [{ value: "a", partition: 0 }, { value: "b", partition: 0 }]);
  await producer.close();
  assert.equal((await sent).map((m) => m.offset), [0, 1]);
});

test.run();
