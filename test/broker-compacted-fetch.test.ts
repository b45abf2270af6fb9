import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { Broker } from "../groups/broker.ts";
import { createApp } from "../http/app.ts";
import { ManualClock } from "../core/clock.ts";
import { Log } from "../storage/log.ts";
import { batchesToRecords } from "../broker/record-decoding.ts";
import { testConfig } from "./support/storage/log.ts";
import { BATCHES, fill, type Written } from "./support/storage/compacted-producer.ts";
import { call, type FetchReply } from "./support/http/fixture.ts";
import { tempDir } from "./support/temp-dir.ts";

const HOUR = 3600_000;
const config = { flush: "os", "cleanup.policy": "compact", "segment.bytes": 1024 } as const;
const dec = new TextDecoder();

test("Broker and HTTP fetch across batches thinned by compaction return exactly the survivors at their offsets, and step over an emptied batch", async () => {
  const tmp = tempDir();
  let broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 1 });
  try {
    await broker.createTopic("c", { partitions: 1, config });
    await broker.close();
    // the partition's log, written and compacted directly: an idempotent producer's batches thinned, its last one emptied
    const clock = new ManualClock(100 * HOUR);
    const log = Log.open(join(tmp.dir, "c-0"), testConfig(config), { clock });
    const { written, answers } = await fill(log, clock);
    assert.ok(log.compact().removedRecords > BATCHES);
    const survivors: Written[] = [];
    for (let offset = 0; offset < log.highWatermark; ) {
      const { batches } = log.read(offset, 1 << 16);
      const { records, nextOffset } = batchesToRecords("c", 0, batches, offset, 1 << 20);
      for (const r of records) survivors.push({ offset: r.offset, key: dec.decode(r.key!), value: dec.decode(r.value!) });
      offset = nextOffset;
    }
    assert.ok(survivors.length < written.length);
    // decoding a read that holds only the emptied batch gives no record and steps past it
    const emptied = answers[BATCHES - 1];
    const onlyEmpty = batchesToRecords("c", 0, log.read(emptied.baseOffset, 61).batches, emptied.baseOffset, 1000);
    assert.equal(onlyEmpty, { records: [], nextOffset: emptied.lastOffset + 1 });
    const end = log.logEndOffset;
    log.close();

    broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 1 });
    const viaBroker: Written[] = [];
    for (let offset = 0; offset < end; ) {
      const got = await broker.fetch("c", 0, { offset, maxRecords: 7 });
      assert.ok(got.nextOffset > offset, `fetch at ${offset} advances`);
      for (const r of got.records) viaBroker.push({ offset: r.offset, key: dec.decode(r.key!), value: dec.decode(r.value!) });
      offset = got.nextOffset;
    }
    assert.equal(viaBroker, survivors);
    // a fetch starting at the emptied batch returns no record of it, and moves past it
    const after = await broker.fetch("c", 0, { offset: emptied.baseOffset, maxRecords: 1 });
    assert.ok(after.records.every((r) => r.offset > emptied.lastOffset), JSON.stringify(after.records.map((r) => r.offset)));
    assert.ok(after.nextOffset > emptied.lastOffset, `next offset ${after.nextOffset}`);

    const app = createApp(broker);
    const viaHttp: { offset: number; key: string }[] = [];
    for (let offset = 0; offset < end; ) {
      const res = await call<FetchReply>(app, "GET", `/v1/topics/c/partitions/0/records?offset=${offset}&max_records=5`);
      assert.is(res.status, 200);
      assert.ok(res.body.next_offset > offset, `HTTP fetch at ${offset} advances`);
      for (const r of res.body.records) viaHttp.push({ offset: r.offset, key: r.key as string });
      offset = res.body.next_offset;
    }
    assert.equal(viaHttp, survivors.map(({ offset, key }) => ({ offset, key })));
  } finally {
    await broker.close();
    tmp.remove();
  }
});

test.run();
