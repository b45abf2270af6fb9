/**
 * Producer ids from etcd blocks: brokers of one cluster never hand out the same id (two
 * producers with one id would pass for each other's duplicates in a partition's producer state).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useEtcd } from "../../test/support/etcd.ts";
import type { EtcdClient } from "../etcd/etcd-client.ts";
import { ClusterKeys } from "./cluster-keys.ts";
import { ProducerIdBlocks, producerIdBlockSize } from "./producer-id-blocks.ts";

let client: EtcdClient;
const skip = useEtcd(test, (_etcd, onIt) => {
  client = onIt;
});

if (!skip) {
  test("three brokers allocating at once get disjoint ids; a broker restarted takes a fresh block", async () => {
    const keys = new ClusterKeys("pids1");
    const brokers = [1, 2, 3].map(() => new ProducerIdBlocks(client, keys));
    const ids = await Promise.all(brokers.flatMap((b) => Array.from({ length: 50 }, () => b.allocate())));
    assert.is(new Set(ids).size, ids.length, "no id handed out twice");
    // each broker's ids come from its own block
    const blocks = new Set(ids.map((id) => Math.floor(id / producerIdBlockSize)));
    assert.is(blocks.size, 3);
    const restarted = new ProducerIdBlocks(client, keys);
    const next = await restarted.allocate();
    assert.ok(ids.every((id) => id < next), `a new allocator starts past every block taken (got ${next})`);
  });

  test("a broker past its block takes the next one; ids stay unique", async () => {
    const keys = new ClusterKeys("pids2");
    const a = new ProducerIdBlocks(client, keys);
    const b = new ProducerIdBlocks(client, keys);
    const seen = new Set<number>();
    for (let i = 0; i < producerIdBlockSize + 5; i++) seen.add(await a.allocate());
    seen.add(await b.allocate());
    assert.is(seen.size, producerIdBlockSize + 6);
  });
}

test.run();
