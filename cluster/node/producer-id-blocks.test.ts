/** ProducerIdBlocks against a real etcd: brokers taking blocks at once never share an id. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "../../core/errors.ts";
import { useEtcd } from "../../test/support/etcd.ts";
import { EtcdClient } from "../etcd/etcd-client.ts";
import { CLUSTER_PRODUCER_ID_BASE, ProducerIdBlocks } from "./producer-id-blocks.ts";

let client: EtcdClient;
const skip = useEtcd(test, (_started, onIt) => {
  client = onIt;
});

if (!skip) {
  test("three allocators taking small blocks at once hand out distinct ids from the base up, with no gap but unused block ends", async () => {
    const key = "/pidb1/producer-ids";
    const allocators = [1, 2, 3].map(() => new ProducerIdBlocks(client, key, 5));
    const ids = (await Promise.all(allocators.map((a) => Promise.all(Array.from({ length: 23 }, () => a.allocate()))))).flat();
    assert.is(new Set(ids).size, ids.length, "no id handed out twice");
    assert.ok(ids.every((id) => Number.isSafeInteger(id) && id >= CLUSTER_PRODUCER_ID_BASE));
    // 23 ids per allocator = 5 blocks of 5 each: 15 blocks taken, each once.
    const stored = JSON.parse(new TextDecoder().decode((await client.range({ key })).kvs[0].value));
    assert.is(stored.next, CLUSTER_PRODUCER_ID_BASE + 15 * 5);
    assert.ok(Math.max(...ids) < stored.next);
  });

  test("a new allocator (a broker restarted) continues after every block taken before; a corrupt counter is a typed error", async () => {
    const key = "/pidb2/producer-ids";
    const first = new ProducerIdBlocks(client, key, 1000);
    const a = await first.allocate();
    const b = await new ProducerIdBlocks(client, key, 1000).allocate();
    assert.is(a, CLUSTER_PRODUCER_ID_BASE);
    assert.is(b, CLUSTER_PRODUCER_ID_BASE + 1000);
    await client.put({ key: "/pidb3/producer-ids", value: "not json" });
    const error = await new ProducerIdBlocks(client, "/pidb3/producer-ids", 10).allocate().then(() => null, (e: unknown) => e);
    assert.ok(isRivuletError(error, "coordination_unavailable"), String(error));
  });
}

test.run();
