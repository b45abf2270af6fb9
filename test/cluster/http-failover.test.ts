/**
 * HTTP produce through a leader's kill -9 on a replicated cluster: three `rivulet serve --etcd`
 * children and a real etcd, a topic with RF 3 and min.insync.replicas 2. The broker killed is
 * the owner of the idempotent HTTP producers' registry (leader of `__request_producers`/0) and
 * the leader of one partition of the topic.
 *
 * - Plain HTTP produce to that partition goes on through the survivors once a new leader is
 *   elected. (Before producer ids were unique in the cluster, every broker's own internal
 *   producer had id 0: the new leader's writes were refused with `out_of_order_sequence`,
 *   "producer 0: expected sequence N, got 0", since the partition held the old leader's
 *   producer 0 at sequence N.)
 * - An idempotent HTTP request acknowledged before the kill, retried through a survivor, gets
 *   its original offsets (the new registry owner read the replicated registry), and the next
 *   request goes on.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useEtcd, within } from "../support/etcd.ts";
import { startServe, type ServeProcess } from "../support/cli-process.ts";
import { tempDir } from "../support/temp-dir.ts";
import type { EtcdClient } from "../../cluster/etcd/etcd-client.ts";
import { MetadataCache } from "../../cluster/membership/metadata-cache.ts";
import { keyPartition } from "../../broker/partitioner.ts";

let client: EtcdClient;
let endpoint = "";
const skip = useEtcd(test, (etcd, onIt) => {
  client = onIt;
  endpoint = etcd.endpoint;
});

/** Every value of a partition, read through `url` (forwarded to the leader) up to its high watermark. */
async function readAll(url: string, topic: string, partition: number): Promise<string[]> {
  const values: string[] = [];
  let offset = 0;
  for (;;) {
    const response = await fetch(`${url}/v1/topics/${topic}/partitions/${partition}/records?offset=${offset}&max_records=1000`);
    assert.is(response.status, 200, await response.clone().text());
    const body = await response.json();
    for (const record of body.records) values.push(String(record.value));
    if (body.next_offset >= body.high_watermark) return values;
    offset = body.next_offset;
  }
}

/** Retries a request that fails retriably (503) or cannot reach its broker, until it answers otherwise; bounded by `tries`. */
async function untilAnswered(send: () => Promise<Response>, tries = 60): Promise<Response> {
  let last = "";
  for (let i = 0; i < tries; i++) {
    try {
      const response = await send();
      if (response.status !== 503) return response;
      last = await response.text();
    } catch (error) {
      last = String(error);
    }
  }
  throw new Error(`no answer but 503 after ${tries} tries: ${last}`);
}

if (!skip) {
  test("kill -9 of the registry owner and a partition leader: plain and idempotent HTTP produce go on through the survivors; a retry gets its first offsets", async () => {
    const dirs = [1, 2, 3].map((id) => tempDir(`rivulet-hfo${id}-`));
    const brokers: ServeProcess[] = [];
    const cache = new MetadataCache(client, { cluster: "hfo" });
    try {
      for (const id of [1, 2, 3]) {
        brokers.push(await startServe(["--broker-id", String(id), "--etcd", endpoint, "--cluster-name", "hfo", "--kafka-port", "0", "--max-workers", "1", "--data-dir", dirs[id - 1].dir]));
      }
      await cache.start();
      const url = (id: number) => brokers[id - 1].url;
      const created = await fetch(`${url(1)}/v1/topics`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "h", partitions: 3, replication_factor: 3, config: { "min.insync.replicas": 2 } }),
      });
      assert.is(created.status, 201, await created.clone().text());

      // An idempotent producer; its first request, sent through broker 2.
      const registered = await fetch(`${url(1)}/v1/producers`, { method: "POST" });
      const producer = await registered.json();
      assert.is(registered.status, 200, JSON.stringify(producer));
      const keys = ["k-a", "k-b", "k-c", "k-d", "k-e", "k-f"];
      const body0 = JSON.stringify({ records: keys.map((key, i) => ({ key, value: `idem-${i}` })) });
      const headers = (seq: number) => ({ "content-type": "application/json", "producer-id": String(producer.producer_id), "producer-epoch": String(producer.producer_epoch), "producer-seq": String(seq) });
      const first = await fetch(`${url(2)}/v1/topics/h/records`, { method: "POST", headers: headers(0), body: body0 });
      const firstAnswer = await first.json();
      assert.is(first.status, 200, JSON.stringify(firstAnswer));

      const owner = cache.partition("__request_producers", 0)!.leader;
      const hLeaders = [0, 1, 2].map((p) => cache.partition("h", p)!.leader);
      const target = hLeaders.indexOf(owner);
      assert.ok(target >= 0, `the registry owner ${owner} leads a partition of h (leaders ${hLeaders})`);
      // Plain produce to the owner's partition through every broker, before the kill.
      const acked: string[] = [];
      for (let i = 0; i < 30; i++) {
        const value = `plain-${i}`;
        const response = await fetch(`${url((i % 3) + 1)}/v1/topics/h/records`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records: [{ value, partition: target }] }) });
        assert.is(response.status, 200, await response.clone().text());
        acked.push(value);
      }
      await within(new Promise<void>((resolve) => {
        const look = () => [0, 1, 2].every((p) => cache.partition("h", p)?.isr.length === 3) && cache.partition("__request_producers", 0)?.isr.length === 3 && (off(), resolve());
        const off = cache.onChange(look);
        look();
      }), 30_000, "every replica in the ISR");

      brokers[owner - 1].child.kill("SIGKILL");
      const survivors = [1, 2, 3].filter((id) => id !== owner);
      for (let i = 30; i < 50; i++) {
        const value = `plain-${i}`;
        const response = await untilAnswered(() => fetch(`${url(survivors[i % 2])}/v1/topics/h/records`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records: [{ value, partition: target }] }) }));
        assert.is(response.status, 200, await response.clone().text());
        acked.push(value);
      }
      assert.is.not(cache.partition("h", target)!.leader, owner, "a new leader");

      // The retry of request 0 through a survivor: its first offsets; then request 1.
      const retried = await untilAnswered(() => fetch(`${url(survivors[0])}/v1/topics/h/records`, { method: "POST", headers: headers(0), body: body0 }));
      const retryAnswer = await retried.json();
      assert.is(retried.status, 200, JSON.stringify(retryAnswer));
      assert.equal(retryAnswer.offsets, firstAnswer.offsets);
      const next = await untilAnswered(() => fetch(`${url(survivors[1])}/v1/topics/h/records`, { method: "POST", headers: headers(1), body: JSON.stringify({ records: [{ key: "k-a", value: "idem-next" }] }) }));
      assert.is(next.status, 200, await next.clone().text());

      for (const survivor of survivors) {
        const values = await readAll(url(survivor), "h", target);
        assert.equal(values.filter((v) => v.startsWith("plain-")), acked, `every acknowledged plain record once, in order, through broker ${survivor}`);
      }
      for (const p of [0, 1, 2]) {
        const values = (await readAll(url(survivors[0]), "h", p)).filter((v) => v.startsWith("idem-"));
        const expected = keys.flatMap((k, i) => (keyPartition(new TextEncoder().encode(k), 3) === p ? [`idem-${i}`] : []));
        if (p === keyPartition(new TextEncoder().encode("k-a"), 3)) expected.push("idem-next");
        assert.equal(values, expected, `h/${p}: the idempotent records once each`);
      }
    } finally {
      await cache.close();
      for (const b of brokers) if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill("SIGTERM");
      await Promise.all(brokers.map((b) => b.exited));
      for (const d of dirs) d.remove();
    }
  });

  test.run();
}
