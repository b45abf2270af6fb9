import { test } from "uvu";
import * as assert from "uvu/assert";
import { ManualClock } from "../core/clock.ts";
import { openTestBroker, uniqueName } from "../test/support/http/fixture.ts";
import { RateMeter } from "./rate-meter.ts";

const fixture = await openTestBroker();
const { broker } = fixture;
test.after(() => fixture.close());

test("RateMeter gives records per second since a baseline at least a window old", async () => {
  const topic = uniqueName("rated");
  await broker.createTopic(topic, { partitions: 1 });
  await broker.produce(topic, [{ value: "before the meter" }]);
  const clock = new ManualClock(5_000_000);
  const meter = new RateMeter(broker, clock, 10_000);
  assert.is(meter.rates().get(topic)?.produceRecordsPerSec, null, "no time has passed");
  await broker.produce(topic, Array.from({ length: 20 }, (_, i) => ({ value: `v${i}` })));
  await broker.fetch(topic, 0, { offset: 0, maxRecords: 5 });
  clock.advance(10_000);
  const first = meter.rates().get(topic);
  assert.is(first?.produceRecordsPerSec, 2, "20 records in 10 s; the record before the meter is not counted");
  assert.is(first?.fetchRecordsPerSec, 0.5);
  clock.advance(10_000);
  assert.is(meter.rates().get(topic)?.produceRecordsPerSec, 0, "nothing produced during the last window");
});

test.run();
