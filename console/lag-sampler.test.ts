import { test } from "uvu";
import * as assert from "uvu/assert";
import { ManualClock } from "../core/clock.ts";
import { resolveLimits } from "../core/limits.ts";
import { openTestBroker, uniqueName } from "../test/support/http/fixture.ts";
import { LagSampler } from "./lag-sampler.ts";

const fixture = await openTestBroker();
const { broker } = fixture;
test.after(() => fixture.close());

const limits = resolveLimits({ consoleLagSampleIntervalMs: 1_000, consoleLagSamplesMax: 4, consoleLagGroupsMax: 2, consoleLagSeriesMax: 3, consoleLagFetchesMax: 2 });
const topic = uniqueName("sampled");
await broker.createTopic(topic, { partitions: 2 });
await broker.produce(topic, [0, 1, 0, 1, 0, 1].map((partition, i) => ({ value: `v${i}`, partition })));
const prefix = uniqueName("grp");
const groups = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
for (const group of groups) {
  await broker.groups.commitOffsets(group, -1, "", [{ topic, partition: 0, offset: 1 }, { topic, partition: 1, offset: 2 }]);
}

test("LagSampler tracks at most consoleLagGroupsMax groups and consoleLagSeriesMax series, consoleLagSamplesMax samples each", async () => {
  const clock = new ManualClock(1_000_000);
  const sampler = new LagSampler(broker, limits, clock);
  for (let round = 0; round < 6; round++) {
    if (round > 0) clock.advance(1_000);
    await sampler.sample();
  }
  assert.is(sampler.groupCount, 2, "groups past consoleLagGroupsMax are not tracked");
  assert.is(sampler.seriesCount, 3, "series past consoleLagSeriesMax are not tracked");
  const first = sampler.history(groups[0], () => true);
  assert.equal(first.series.map((s) => s.partition), [0, 1]);
  assert.equal(first.series[0].samples.map((s) => s[0]), [1_002_000, 1_003_000, 1_004_000, 1_005_000], "the last consoleLagSamplesMax slots");
  assert.equal(first.series[0].samples.map((s) => s[1]), [2, 2, 2, 2]);
  assert.equal(first.series[1].samples.map((s) => s[1]), [1, 1, 1, 1]);
  assert.equal(sampler.history(groups[1], () => true).series.length, 1, "the third series fits, the fourth does not");
  assert.equal(sampler.history(groups[2], () => true).series, []);
  assert.equal(sampler.history(groups[0], (t) => t !== topic).series, [], "only readable topics");
  const measured = first.series[0].samples.filter((s) => s[2] !== null).length + sampler.history(groups[1], () => true).series[0].samples.filter((s) => s[2] !== null).length;
  assert.ok(measured <= 4 * limits.consoleLagFetchesMax, "lag in seconds is measured for at most consoleLagFetchesMax partitions a round");
});

test("LagSampler samples once per slot and drops history older than its window", async () => {
  const clock = new ManualClock(2_000_000);
  const sampler = new LagSampler(broker, limits, clock);
  await sampler.sampleIfDue();
  await sampler.sampleIfDue();
  assert.equal(sampler.history(groups[0], () => true).series[0].samples.length, 1);
  clock.advance(10_000);
  assert.equal(sampler.history(groups[0], () => true).series[0].samples, [], "samples older than the window are not shown");
  await sampler.sampleIfDue();
  assert.equal(sampler.history(groups[0], () => true).series[0].samples.map((s) => s[0]), [2_010_000]);
});

test("LagSampler.start() samples on its interval until the signal aborts", async () => {
  const fast = resolveLimits({ consoleLagSampleIntervalMs: 20 });
  const sampler = new LagSampler(broker, fast, { now: () => Date.now() });
  const stop = new AbortController();
  sampler.start(stop.signal);
  const sampled = new Promise<void>((resolve) => {
    const check = () => (sampler.groupCount >= groups.length ? resolve() : setTimeout(check, 5));
    check();
  });
  await sampled;
  stop.abort();
  for (const group of groups) assert.is(sampler.history(group, () => true).series.length, 2);
});

test.run();
