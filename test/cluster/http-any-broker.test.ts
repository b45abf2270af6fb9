/**
 * Every HTTP route on any broker of a three-broker cluster (real etcd, in-process `serve()`s
 * with their own data directories and Kafka listeners, UnreplicatedReplicas as in
 * cluster-control.test.ts): a plain produce of keyed records to a broker that leads none of
 * their partitions; idempotent produce (POST /v1/producers, Producer-Id/Epoch/Seq) sent to
 * different brokers, a retry answered with its first offsets; producer ids unique across the
 * brokers.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Broker } from "../../groups/broker.ts";
import { serve, type Server } from "../../server/serve.ts";
import { tempDir } from "../support/temp-dir.ts";
import { useEtcd, within } from "../support/etcd.ts";
import { UnreplicatedReplicas } from "../../cluster/reconciler/unreplicated-replicas.ts";
import { keyPartition } from "../../broker/partitioner.ts";
import { CLUSTER_PRODUCER_ID_BASE } from "../../cluster/node/producer-id-blocks.ts";
import { REQUEST_PRODUCERS_TOPIC } from "../../broker/request-producer-log.ts";
import type { AuthConfig } from "../../auth/auth-config.ts";

let endpoint = "";
const skip = useEtcd(test, (started) => {
  endpoint = started.endpoint;
});

interface Member {
  id: number;
  broker: Broker;
  server: Server;
  data: { dir: string; remove(): void };
}

async function startMember(id: number, cluster: string, auth?: AuthConfig): Promise<Member> {
  const data = tempDir(`rivulet-hc${id}-`);
  const broker = await Broker.open({ dataDir: data.dir, maxWorkers: 1 });
  const server = await serve(broker, {
    ...(auth ? { auth } : {}),
    port: 0,
    kafkaPort: 0,
    // With auth on, brokers log in to each other as the auth file's cluster admin.
    cluster: { etcd: endpoint, brokerId: id, name: cluster, replicaManager: () => new UnreplicatedReplicas(broker), ...(auth ? { interBrokerUser: "ops" } : {}) },
  });
  return { id, broker, server, data };
}

async function stopMember(m: Member): Promise<void> {
  await m.server.close();
  await m.broker.close();
  m.data.remove();
}

async function json<T = any>(response: Response): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`not JSON (${response.status}): ${text.slice(0, 300)}`);
  }
}

/** Resolves once every member's metadata shows topic/partition with a leader. */
function led(members: Member[], topic: string, partitions: number): Promise<void> {
  return within(Promise.all(members.map((m) => new Promise<void>((resolve) => {
    const cache = m.server.node!.cache;
    const look = () => {
      for (let p = 0; p < partitions; p++) if ((cache.partition(topic, p)?.leader ?? -1) < 0) return;
      off();
      resolve();
    };
    const off = cache.onChange(look);
    look();
  }))).then(() => {}), 20_000, `${topic} led on every broker`);
}

/** Keys whose partitions (of `partitions`) are all in `wanted`, at least one per wanted partition. */
function keysFor(wanted: number[], partitions: number, perPartition: number): string[] {
  const keys: string[] = [];
  const counts = new Map<number, number>(wanted.map((p) => [p, 0]));
  for (let i = 0; keys.length < wanted.length * perPartition; i++) {
    const key = `customer-${i}`;
    const p = keyPartition(new TextEncoder().encode(key), partitions);
    if (!counts.has(p) || counts.get(p)! >= perPartition) continue;
    counts.set(p, counts.get(p)! + 1);
    keys.push(key);
  }
  return keys;
}

async function readAt(m: Member, topic: string, partition: number, offset: number): Promise<{ key: string | null; value: unknown }> {
  const response = await fetch(`${m.server.url}/v1/topics/${topic}/partitions/${partition}/records?offset=${offset}&max_records=1`);
  const body = await json(response);
  assert.is(response.status, 200, JSON.stringify(body));
  assert.ok(body.records.length === 1, `broker ${m.id} reads ${topic}/${partition}@${offset}`);
  assert.is(body.records[0].offset, offset);
  return body.records[0];
}

let members: Member[] = [];

if (!skip) {
  test.after.each(async () => {
    await Promise.all(members.map((m) => stopMember(m).catch(() => {})));
    members = [];
  });

  test("a plain produce of keyed records to a broker that leads none of their partitions is acknowledged; each record is readable at its offset from every broker", async () => {
    members = [await startMember(1, "hc1"), await startMember(2, "hc1"), await startMember(3, "hc1")];
    const created = await fetch(`${members[0].server.url}/v1/topics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "orders", partitions: 3, replication_factor: 3 }) });
    assert.is(created.status, 201, await created.clone().text());
    const described = await json(created);
    await led(members, "orders", 3);
    // A broker, and the partitions it does not lead.
    const door = members[1];
    const elsewhere = described.partitions.filter((p: any) => p.leader !== door.id).map((p: any) => p.partition as number);
    assert.is(elsewhere.length, 2);
    const keys = keysFor(elsewhere, 3, 3);
    const records = keys.map((key, i) => ({ key, value: { n: i } }));
    const started = Date.now();
    const response = await fetch(`${door.server.url}/v1/topics/orders/records`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records }) });
    const body = await json(response);
    assert.is(response.status, 200, JSON.stringify(body));
    assert.ok(Date.now() - started < 10_000, "answered without waiting out a delivery timeout");
    assert.is(body.offsets.length, records.length);
    for (let i = 0; i < records.length; i++) {
      assert.is(body.offsets[i].partition, keyPartition(new TextEncoder().encode(keys[i]), 3), `record ${i} on its key's partition`);
    }
    // Offsets in request order: within a partition they increase.
    for (const p of elsewhere) {
      const mine = body.offsets.filter((o: any) => o.partition === p).map((o: any) => o.offset);
      assert.equal(mine, [...mine].sort((a: number, b: number) => a - b));
      assert.is(new Set(mine).size, mine.length);
    }
    for (const m of members) {
      for (let i = 0; i < records.length; i++) {
        const record = await readAt(m, "orders", body.offsets[i].partition, body.offsets[i].offset);
        assert.is(record.key, keys[i]);
        assert.equal(record.value, { n: i });
      }
    }
    // Unkeyed records and an explicit partition, also on a broker that does not lead it.
    const explicit = elsewhere[0];
    const mixed = await fetch(`${door.server.url}/v1/topics/orders/records`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records: [{ value: "a" }, { value: "b", partition: explicit }, { value: "c" }] }) });
    const mixedBody = await json(mixed);
    assert.is(mixed.status, 200, JSON.stringify(mixedBody));
    assert.is(mixedBody.offsets[1].partition, explicit);
    assert.is(mixedBody.offsets[0].partition, mixedBody.offsets[2].partition, "one request's unkeyed records go together");
    for (const [i, value] of ["a", "b", "c"].entries()) {
      const record = await readAt(members[2], "orders", mixedBody.offsets[i].partition, mixedBody.offsets[i].offset);
      assert.is(record.value, value);
    }
    // A partition that does not exist: the typed error, at once.
    const bad = await fetch(`${door.server.url}/v1/topics/orders/records`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records: [{ value: "x", partition: 7 }] }) });
    assert.is(bad.status < 500, true, `status ${bad.status}`);
    await bad.body?.cancel();
  });

  test("idempotent HTTP produce against different brokers: ids unique in the cluster, a retry on another broker gets its first offsets, the next request continues", async () => {
    members = [await startMember(1, "hc2"), await startMember(2, "hc2"), await startMember(3, "hc2")];
    const created = await fetch(`${members[2].server.url}/v1/topics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "payments", partitions: 3, replication_factor: 3 }) });
    assert.is(created.status, 201, await created.clone().text());
    await led(members, "payments", 3);

    // Producers registered through each broker get distinct ids from the cluster's counter.
    const ids: number[] = [];
    let first: { producer_id: number; producer_epoch: number } | null = null;
    for (const m of members) {
      const response = await fetch(`${m.server.url}/v1/producers`, { method: "POST" });
      const body = await json(response);
      assert.is(response.status, 200, JSON.stringify(body));
      assert.ok(body.producer_id >= CLUSTER_PRODUCER_ID_BASE, `cluster producer id ${body.producer_id}`);
      ids.push(body.producer_id);
      first ??= body;
    }
    assert.is(new Set(ids).size, 3);
    // The registry lives at the leader of __request_producers/0 (created cluster-wide on first use).
    await led(members, REQUEST_PRODUCERS_TOPIC, 1);

    const producer = first!;
    const keys = keysFor([0, 1, 2], 3, 2);
    const headers = (seq: number) => ({ "content-type": "application/json", "producer-id": String(producer.producer_id), "producer-epoch": String(producer.producer_epoch), "producer-seq": String(seq) });
    const body0 = JSON.stringify({ records: keys.map((key, i) => ({ key, value: `v${i}` })) });
    const sent = await fetch(`${members[1].server.url}/v1/topics/payments/records`, { method: "POST", headers: headers(0), body: body0 });
    const answer = await json(sent);
    assert.is(sent.status, 200, JSON.stringify(answer));
    assert.is(answer.offsets.length, keys.length);
    // The same request again, on another broker: its first offsets, nothing written twice.
    const retried = await fetch(`${members[2].server.url}/v1/topics/payments/records`, { method: "POST", headers: headers(0), body: body0 });
    const retryAnswer = await json(retried);
    assert.is(retried.status, 200, JSON.stringify(retryAnswer));
    assert.equal(retryAnswer.offsets, answer.offsets);
    // The next request on a third broker continues every partition's sequence.
    const next = await fetch(`${members[0].server.url}/v1/topics/payments/records`, { method: "POST", headers: headers(1), body: JSON.stringify({ records: keys.map((key) => ({ key, value: "second" })) }) });
    const nextAnswer = await json(next);
    assert.is(next.status, 200, JSON.stringify(nextAnswer));
    // A sequence out of order is refused the same way wherever it lands.
    for (const m of members) {
      const skipped = await fetch(`${m.server.url}/v1/topics/payments/records`, { method: "POST", headers: headers(5), body: body0 });
      const problem = await json(skipped);
      assert.is(skipped.status, 409, JSON.stringify(problem));
      assert.is(problem.code, "out_of_order_sequence");
      assert.is(problem.details.expectedSequence, 2);
    }
    // Each partition holds each record once: the first request's, then the second's.
    for (const p of [0, 1, 2]) {
      const response = await fetch(`${members[p].server.url}/v1/topics/payments/partitions/${p}/records?offset=earliest&max_records=100`);
      const read = await json(response);
      assert.is(response.status, 200, JSON.stringify(read));
      const expected = [
        ...keys.filter((k) => keyPartition(new TextEncoder().encode(k), 3) === p).map((k) => `v${keys.indexOf(k)}`),
        ...keys.filter((k) => keyPartition(new TextEncoder().encode(k), 3) === p).map(() => "second"),
      ];
      assert.equal(read.records.map((r: any) => r.value), expected, `payments/${p}`);
    }
    for (let i = 0; i < keys.length; i++) {
      const record = await readAt(members[(i + 1) % 3], "payments", answer.offsets[i].partition, answer.offsets[i].offset);
      assert.is(record.key, keys[i]);
      assert.is(record.value, `v${i}`);
    }
  });

  test("a consumer group's HTTP flow (join, poll, commit, describe, leave) through brokers that are not its coordinator", async () => {
    members = [await startMember(1, "hc3"), await startMember(2, "hc3"), await startMember(3, "hc3")];
    const created = await fetch(`${members[0].server.url}/v1/topics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "events", partitions: 3, replication_factor: 3 }) });
    assert.is(created.status, 201, await created.clone().text());
    await led(members, "events", 3);
    const keys = keysFor([0, 1, 2], 3, 2);
    const produced = await fetch(`${members[0].server.url}/v1/topics/events/records`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records: keys.map((key) => ({ key, value: key })) }) });
    assert.is(produced.status, 200, await produced.clone().text());
    // The first group request creates the offsets topic cluster-wide; its leader coordinates.
    const listed = await fetch(`${members[1].server.url}/v1/groups`);
    assert.is(listed.status, 200, await listed.clone().text());
    await led(members, "__consumer_offsets", 1);
    const coordinator = members[0].server.node!.cache.partition("__consumer_offsets", 0)!.leader;
    const doors = members.filter((m) => m.id !== coordinator);
    const [door, other] = doors;

    const joined = await fetch(`${door.server.url}/v1/groups/g1/members`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ topics: ["events"] }) });
    const membership = await json(joined);
    assert.is(joined.status, 200, JSON.stringify(membership));
    assert.is(membership.assignments.length, 3);
    const seen: Array<{ key: string; partition: number; offset: number }> = [];
    for (let polls = 0; seen.length < keys.length && polls < 20; polls++) {
      const polled = await fetch(`${door.server.url}/v1/groups/g1/members/${membership.member_id}/records?wait_ms=2000&max_records=100`);
      const body = await json(polled);
      assert.is(polled.status, 200, JSON.stringify(body));
      for (const r of body.records) seen.push({ key: r.key, partition: r.partition, offset: r.offset });
    }
    assert.equal(seen.map((r) => r.key).sort(), [...keys].sort(), "every record once, from partitions led by any broker");
    const committed = await fetch(`${other.server.url}/v1/groups/g1/members/${membership.member_id}/offsets`, { method: "POST" });
    const commitBody = await json(committed);
    assert.is(committed.status, 200, JSON.stringify(commitBody));
    assert.is(commitBody.offsets.length, 3);
    const described = await json(await fetch(`${other.server.url}/v1/groups/g1`));
    const offsets = new Map(described.offsets.map((o: any) => [o.partition, o.offset]));
    for (const p of [0, 1, 2]) assert.is(offsets.get(p), 2, `committed offset of events/${p}`);
    const left = await fetch(`${door.server.url}/v1/groups/g1/members/${membership.member_id}`, { method: "DELETE" });
    assert.is(left.status, 204, await left.text());
  });

  test("with auth on, produce and idempotent produce through a broker that leads none of the partitions act as the client: its token is checked at each leader", async () => {
    const auth: AuthConfig = {
      tokens: [
        { name: "ops", token: "ops-secret", rights: [{ access: "admin", topics: "*" }] },
        { name: "writer", token: "writer-secret", rights: [{ access: "write", topics: "sec" }, { access: "read", topics: "sec" }] },
        { name: "reader", token: "reader-secret", rights: [{ access: "read", topics: "sec" }] },
      ],
    };
    members = [await startMember(1, "hc4", auth), await startMember(2, "hc4", auth), await startMember(3, "hc4", auth)];
    const created = await fetch(`${members[0].server.url}/v1/topics`, { method: "POST", headers: { authorization: "Bearer ops-secret", "content-type": "application/json" }, body: JSON.stringify({ name: "sec", partitions: 3, replication_factor: 3 }) });
    assert.is(created.status, 201, await created.clone().text());
    const described = await json(created);
    await led(members, "sec", 3);
    const door = members[0];
    const elsewhere = described.partitions.filter((p: any) => p.leader !== door.id).map((p: any) => p.partition as number);
    const keys = keysFor(elsewhere, 3, 1);
    const records = JSON.stringify({ records: keys.map((key) => ({ key, value: key })) });
    const writer = { authorization: "Bearer writer-secret", "content-type": "application/json" };
    const plain = await fetch(`${door.server.url}/v1/topics/sec/records`, { method: "POST", headers: writer, body: records });
    assert.is(plain.status, 200, await plain.clone().text());
    const refused = await fetch(`${door.server.url}/v1/topics/sec/records`, { method: "POST", headers: { ...writer, authorization: "Bearer reader-secret" }, body: records });
    assert.is(refused.status, 403, await refused.clone().text());

    const registered = await fetch(`${members[1].server.url}/v1/producers`, { method: "POST", headers: { authorization: "Bearer writer-secret" } });
    const producer = await json(registered);
    assert.is(registered.status, 200, JSON.stringify(producer));
    const idempotent = { ...writer, "producer-id": String(producer.producer_id), "producer-epoch": String(producer.producer_epoch), "producer-seq": "0" };
    const sent = await fetch(`${door.server.url}/v1/topics/sec/records`, { method: "POST", headers: idempotent, body: records });
    const answer = await json(sent);
    assert.is(sent.status, 200, JSON.stringify(answer));
    // Another principal cannot use the writer's producer, wherever it sends.
    const stolen = await fetch(`${members[2].server.url}/v1/topics/sec/records`, { method: "POST", headers: { ...idempotent, authorization: "Bearer ops-secret", "producer-seq": "1" }, body: records });
    assert.is(stolen.status, 400, await stolen.clone().text());
    for (let i = 0; i < keys.length; i++) {
      const response = await fetch(`${members[2].server.url}/v1/topics/sec/partitions/${answer.offsets[i].partition}/records?offset=${answer.offsets[i].offset}&max_records=1`, { headers: { authorization: "Bearer reader-secret" } });
      const body = await json(response);
      assert.is(response.status, 200, JSON.stringify(body));
      assert.is(body.records[0].key, keys[i]);
    }
  });
}

test.run();
