/**
 * Idempotent HTTP produce against a real server: answers lost on the way back (a proxy cuts
 * them), partition workers crashed between a try and its retry, a clean broker restart, and the
 * header rules (kill -9 between a try and its retry: idempotent-produce-restart.test.ts).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { serve } from "../../server/serve.ts";
import { RivuletError } from "../../core/errors.ts";
import { RequestProducers } from "../../broker/request-producers.ts";
import { errorCode } from "../support/error-code.ts";
import { openTestBroker, type ProduceReply, uniqueName } from "../support/http/fixture.ts";
import { startDropProxy } from "../support/http/drop-proxy.ts";
import { Broker } from "../../groups/broker.ts";
import { tempDir } from "../support/temp-dir.ts";
import { storedRecords } from "../support/http/stored-records.ts";

const fixture = await openTestBroker({ faultInjection: true, maxWorkers: 3 });
const { broker } = fixture;
const server = await serve(broker, { host: "127.0.0.1", port: 0 });
const proxy = await startDropProxy(server.port);
test.after(async () => {
  await proxy.close();
  await server.close();
  await fixture.close();
});

interface Producer {
  producer_id: number;
  producer_epoch: number;
}

async function newProducer(body?: unknown): Promise<Producer> {
  const res = await fetch(`${server.url}/v1/producers`, { method: "POST", headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  assert.is(res.status, 200);
  return await res.json() as Producer;
}

function produce(base: string, topic: string, records: unknown[], headers: Record<string, string>): Promise<Response> {
  return fetch(`${base}/v1/topics/${topic}/records`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ records }) });
}

function producerHeaders(p: Producer, seq: number): Record<string, string> {
  return { "producer-id": String(p.producer_id), "producer-epoch": String(p.producer_epoch), "producer-seq": String(seq) };
}

const contents = (topic: string, partitions: number) => storedRecords(server.url, topic, partitions);

async function topic(partitions: number): Promise<string> {
  const name = uniqueName("idem");
  await broker.createTopic(name, { partitions });
  return name;
}

const records = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i}` }));

test("a produce whose answer is lost is answered on retry with its first offsets, each record stored once", async () => {
  const name = await topic(3);
  const p = await newProducer();
  const batch = [...records(0, 20), { value: "unkeyed-1" }, { value: "unkeyed-2" }];
  const lost = await produce(proxy.url, name, batch, producerHeaders(p, 0)).then(() => "answered", () => "lost");
  assert.is(lost, "lost");
  assert.is(proxy.dropped, 1);
  const retry = await produce(server.url, name, batch, producerHeaders(p, 0));
  assert.is(retry.status, 200);
  const { offsets } = await retry.json() as ProduceReply;
  const stored = await contents(name, 3);
  assert.is(stored.size, batch.length, "nothing written twice");
  batch.forEach((r, i) => assert.equal(stored.get(r.value), [offsets[i].partition, offsets[i].offset], `${r.value} where the answer says`));
  assert.ok(new Set(offsets.map((o) => o.partition)).size > 1, "the request spread over several partitions");
  const again = await produce(server.url, name, batch, producerHeaders(p, 0));
  assert.equal(await again.json(), { offsets });
  const next = await produce(server.url, name, records(100, 3), producerHeaders(p, 1));
  assert.is(next.status, 200);
  assert.is((await contents(name, 3)).size, batch.length + 3);
});

test("a retry after every partition worker crashed gets the first offsets; the rebuilt state takes the next request", async () => {
  const name = await topic(3);
  const p = await newProducer();
  const batch = records(0, 30);
  assert.is(await produce(proxy.url, name, batch, producerHeaders(p, 0)).then(() => "answered", () => "lost"), "lost");
  for (let partition = 0; partition < 3; partition++) await broker.faults.crashPartition(name, partition);
  const retry = await produce(server.url, name, batch, producerHeaders(p, 0));
  assert.is(retry.status, 200);
  const { offsets } = await retry.json() as ProduceReply;
  const stored = await contents(name, 3);
  assert.is(stored.size, batch.length);
  batch.forEach((r, i) => assert.equal(stored.get(r.value), [offsets[i].partition, offsets[i].offset]));
  // The partitions rebuilt this producer's sequence numbers from their logs: the next request
  // continues them (a gap or reuse would be refused by the log).
  const next = await produce(server.url, name, records(30, 30), producerHeaders(p, 1));
  assert.is(next.status, 200, await next.clone().text());
  assert.is((await contents(name, 3)).size, 60);
});

test("RequestProducers: a request that failed part way is completed by its retry; the partition that had it drops the copy, across a crash", async () => {
  const name = await topic(2);
  let loseAnswersOf: number | null = 1;
  const host = {
    topicConfig: (t: string) => broker.topicConfig(t),
    allocateProducerId: () => broker.allocateProducerId(),
    limits: broker.limits,
    clock: broker.clock,
    async appendRecords(...args: Parameters<typeof broker.appendRecords>) {
      const result = await broker.appendRecords(...args);
      // Written, but the answer never arrives: the outcome is unknown to the producer.
      if (args[1] === loseAnswersOf) throw new RivuletError("actor_failed", "the answer was lost");
      return result;
    },
  };
  const producers = new RequestProducers(host);
  const id = await producers.init();
  const request = { ...id, sequence: 0, fingerprint: 7 };
  const input = [0, 1, 0, 1, 0, 1].map((partition, i) => ({ value: `r${i}`, partition }));
  assert.is(await errorCode(producers.produce(name, input, request)), "actor_failed");
  const written = await broker.describeTopic(name);
  assert.equal(written.partitions.map((p) => p.endOffset), [3, 3], "both partitions wrote their batch");
  assert.is(await errorCode(producers.produce(name, input, { ...request, sequence: 1 })), "out_of_order_sequence");
  await broker.faults.crashPartition(name, 1);
  loseAnswersOf = null;
  const answer = await producers.produce(name, input, request);
  assert.equal(answer.map((m) => [m.partition, m.offset]), [[0, 0], [1, 0], [0, 1], [1, 1], [0, 2], [1, 2]]);
  const after = await broker.describeTopic(name);
  assert.equal(after.partitions.map((p) => p.endOffset), [3, 3], "the retry wrote nothing again");
  assert.is(await errorCode(producers.produce(name, input, { ...request, fingerprint: 8 })), "conflict");
  const next = await producers.produce(name, [{ value: "n", partition: 1 }], { ...request, sequence: 1, fingerprint: 9 });
  assert.equal(next.map((m) => [m.partition, m.offset]), [[1, 3]]);
});

async function problem(res: Response): Promise<{ status: number; code: string; details?: Record<string, unknown> }> {
  const body = await res.json() as { code: string; details?: Record<string, unknown> };
  return { status: res.status, code: body.code, details: body.details };
}

test("POST records: producer header rules (gap, fencing, unknown, conflict, partial or malformed headers)", async () => {
  const name = await topic(1);
  const p = await newProducer();
  const one = [{ value: "a" }];
  assert.equal(await problem(await produce(server.url, name, one, producerHeaders(p, 1))), { status: 409, code: "out_of_order_sequence", details: { expectedSequence: 0, sequence: 1 } });
  assert.is((await produce(server.url, name, one, producerHeaders(p, 0))).status, 200);
  assert.is((await problem(await produce(server.url, name, one, producerHeaders(p, 2)))).code, "out_of_order_sequence");
  assert.equal(await problem(await produce(server.url, name, [{ value: "b" }], producerHeaders(p, 0))), { status: 409, code: "conflict", details: { sequence: 0 } });
  const { "producer-seq": _, ...partial } = producerHeaders(p, 1);
  assert.equal(await problem(await produce(server.url, name, one, partial)), { status: 400, code: "invalid_request", details: undefined });
  for (const bad of ["-1", "01", "1.5", "x", "99999999999999999"]) {
    assert.is((await problem(await produce(server.url, name, one, { ...producerHeaders(p, 1), "producer-seq": bad }))).code, "invalid_request", bad);
  }
  assert.is((await problem(await produce(server.url, name, one, { ...producerHeaders(p, 1), "producer-id": "987654321" }))).code, "unknown_producer");
  const bumped = await newProducer({ producer_id: p.producer_id });
  assert.equal(bumped, { producer_id: p.producer_id, producer_epoch: 1 });
  assert.equal(await problem(await produce(server.url, name, one, producerHeaders(p, 1))), { status: 409, code: "producer_fenced", details: { producerId: p.producer_id, epoch: 0, currentEpoch: 1 } });
  assert.is((await produce(server.url, name, [{ value: "c" }], producerHeaders(bumped, 0))).status, 200, "a new epoch starts again at 0");
  assert.is((await produce(server.url, name, [{ value: "d" }], {})).status, 200, "without the headers, as before");
  const stored = await contents(name, 1);
  assert.equal([...stored.keys()], ["a", "c", "d"]);
});

test("POST /v1/producers hands out distinct ids; a malformed body is a 400", async () => {
  const a = await newProducer();
  const b = await newProducer();
  assert.is.not(a.producer_id, b.producer_id);
  const res = await fetch(`${server.url}/v1/producers`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ producer_id: "x" }) });
  assert.equal(await problem(res), { status: 400, code: "invalid_request", details: undefined });
});

test("a request that fails part way (one partition's worker hung, then replaced) is completed by its retry, each record once", async () => {
  const data = tempDir("rivulet-idem-hang-");
  // Heartbeats find the hung worker fast; the request gives up on it sooner (deliveryTimeoutMs).
  const b = await Broker.open({ dataDir: data.dir, maxWorkers: 2, faultInjection: true, limits: { heartbeatIntervalMs: 50, heartbeatTimeoutMs: 400, deliveryTimeoutMs: 50 } });
  const s = await serve(b, { host: "127.0.0.1", port: 0 });
  try {
    await b.createTopic("hang", { partitions: 2 });
    const p = await (await fetch(`${s.url}/v1/producers`, { method: "POST" })).json() as Producer;
    const input = [0, 1, 0, 1].map((partition, i) => ({ value: `h${i}`, partition }));
    await b.faults.hangPartition("hang", 1);
    const first = await produce(s.url, "hang", input, producerHeaders(p, 0));
    const failure = await problem(first);
    assert.is(failure.status, 503, JSON.stringify(failure));
    const described = await b.describeTopic("hang");
    assert.is(described.partitions[0].endOffset, 2, "partition 0 took its records on the first try");
    const retry = await produce(s.url, "hang", input, producerHeaders(p, 0));
    assert.is(retry.status, 200, await retry.clone().text());
    assert.equal(await retry.json(), { offsets: [{ partition: 0, offset: 0 }, { partition: 1, offset: 0 }, { partition: 0, offset: 1 }, { partition: 1, offset: 1 }] });
    const after = await b.describeTopic("hang");
    assert.equal(after.partitions.map((x) => x.endOffset), [2, 2], "nothing written twice");
  } finally {
    await s.close();
    await b.close();
    data.remove();
  }
});

test("after a broker restart its producers are still known: a retry gets its offsets, the next request continues, ids are not reused", async () => {
  const data = tempDir("rivulet-idem-restart-");
  try {
    let b = await Broker.open({ dataDir: data.dir, maxWorkers: 1 });
    let s = await serve(b, { host: "127.0.0.1", port: 0 });
    await b.createTopic("restart", { partitions: 1 });
    const init = async () => await (await fetch(`${s.url}/v1/producers`, { method: "POST" })).json() as Producer;
    const old = await init();
    assert.equal(await (await produce(s.url, "restart", [{ value: "before" }], producerHeaders(old, 0))).json(), { offsets: [{ partition: 0, offset: 0 }] });
    await s.close();
    await b.close();
    b = await Broker.open({ dataDir: data.dir, maxWorkers: 1 });
    s = await serve(b, { host: "127.0.0.1", port: 0 });
    try {
      assert.equal(await (await produce(s.url, "restart", [{ value: "before" }], producerHeaders(old, 0))).json(), { offsets: [{ partition: 0, offset: 0 }] });
      assert.equal(await (await produce(s.url, "restart", [{ value: "after" }], producerHeaders(old, 1))).json(), { offsets: [{ partition: 0, offset: 1 }] });
      assert.equal(await problem(await produce(s.url, "restart", [{ value: "x" }], producerHeaders({ ...old, producer_id: old.producer_id + 1000 }, 0))), { status: 400, code: "unknown_producer", details: { producerId: old.producer_id + 1000 } });
      const fresh = await init();
      assert.is.not(fresh.producer_id, old.producer_id, "ids are never handed out twice");
      const res = await produce(s.url, "restart", [{ value: "fresh" }], producerHeaders(fresh, 0));
      assert.equal(await res.json(), { offsets: [{ partition: 0, offset: 2 }] });
      assert.equal(await b.listTopics(), ["restart"], "the registry's internal topic is not listed");
    } finally {
      await s.close();
      await b.close();
    }
  } finally {
    data.remove();
  }
});

test("the registry also forgets the least recently used idle producers past requestProducerRecordsHeldMax records held", async () => {
  const data = tempDir("rivulet-idem-held-");
  try {
    const b = await Broker.open({ dataDir: data.dir, maxWorkers: 1, limits: { requestProducerRecordsHeldMax: 3 } });
    try {
      await b.createTopic("held", { partitions: 1 });
      const request = (id: { producerId: number; producerEpoch: number }, sequence: number, fingerprint: number) => ({ ...id, sequence, fingerprint });
      const first = await b.initProducer();
      const second = await b.initProducer();
      await b.produce("held", [{ value: "a" }, { value: "b" }], { request: request(first, 0, 1) });
      await b.produce("held", [{ value: "c" }, { value: "d" }], { request: request(second, 0, 2) });
      assert.is(await errorCode(b.produce("held", [{ value: "a" }, { value: "b" }], { request: request(first, 0, 1) })), "unknown_producer", "four records held > 3: the older producer went");
      assert.equal((await b.produce("held", [{ value: "c" }, { value: "d" }], { request: request(second, 0, 2) })).map((m) => m.offset), [2, 3], "the newer one still answers its retry");
    } finally {
      await b.close();
    }
  } finally {
    data.remove();
  }
});

test("the registry's bound holds across a restart: a producer it forgot stays forgotten, the others are kept", async () => {
  const data = tempDir("rivulet-idem-bound-");
  const limits = { requestProducersMax: 2 };
  try {
    let b = await Broker.open({ dataDir: data.dir, maxWorkers: 1, limits });
    await b.createTopic("bound", { partitions: 1 });
    const request = (id: { producerId: number; producerEpoch: number }, sequence: number, fingerprint: number) => ({ ...id, sequence, fingerprint });
    const first = await b.initProducer();
    await b.produce("bound", [{ value: "a" }], { request: request(first, 0, 1) });
    const second = await b.initProducer();
    const third = await b.initProducer();
    assert.is(await errorCode(b.produce("bound", [{ value: "b" }], { request: request(first, 1, 2) })), "unknown_producer", "the least recently used one was forgotten");
    await b.produce("bound", [{ value: "c" }], { request: request(second, 0, 3) });
    await b.close();
    b = await Broker.open({ dataDir: data.dir, maxWorkers: 1, limits });
    try {
      assert.is(await errorCode(b.produce("bound", [{ value: "b" }], { request: request(first, 1, 2) })), "unknown_producer", "still forgotten after the restart");
      assert.equal((await b.produce("bound", [{ value: "c" }], { request: request(second, 0, 3) })).map((m) => m.offset), [1], "a retry answered from the registry");
      assert.equal((await b.produce("bound", [{ value: "d" }], { request: request(third, 0, 4) })).map((m) => m.offset), [2]);
    } finally {
      await b.close();
    }
  } finally {
    data.remove();
  }
});

test("an idempotent request needing more than 5 batches on one partition is refused whole (a retry after a restart re-sends them all)", async () => {
  const name = uniqueName("idem-big");
  await broker.createTopic(name, { partitions: 1, config: { "message.max.bytes": 1100 } });
  const p = await newProducer();
  const big = Array.from({ length: 20 }, (_, i) => ({ value: `${i}`.padEnd(300, "x") }));
  const refused = await problem(await produce(server.url, name, big, producerHeaders(p, 0)));
  assert.equal([refused.status, refused.code], [413, "request_too_large"]);
  assert.is((await broker.describeTopic(name)).partitions[0].endOffset, 0, "nothing written");
  assert.is((await produce(server.url, name, big.slice(0, 9), producerHeaders(p, 0))).status, 200, "three batches of three fit");
});

test("/openapi.json declares POST /v1/producers and the produce route's producer headers", async () => {
  const doc = await (await fetch(`${server.url}/openapi.json`)).json() as { paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>> };
  assert.ok(doc.paths["/v1/producers"]?.post, "POST /v1/producers");
  const params = doc.paths["/v1/topics/{topic}/records"].post.parameters ?? [];
  assert.equal(params.filter((p) => p.in === "header").map((p) => p.name), ["Producer-Id", "Producer-Epoch", "Producer-Seq"]);
});

test.run();
