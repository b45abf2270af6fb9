import { test } from "uvu";
import * as assert from "uvu/assert";
import type { GroupCoordinatorApi } from "../broker/group-api.ts";
import type { AppendBatchResult, TopicDescription } from "../broker/types.ts";
import { RivuletError } from "../core/errors.ts";
import type { KafkaBroker } from "./handler-context.ts";
import { startKafkaListener, type KafkaListenerOptions } from "./listener.ts";
import { Reader } from "./protocol/reader.ts";
import { correlationOf, RawClient, requestFrame } from "../test/support/kafka/raw-client.ts";

/** A broker that records calls; heartbeats wait for `release()`. */
function stubBroker() {
  const calls: string[] = [];
  let releaseHeld: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (releaseHeld = resolve));
  const groups: Partial<GroupCoordinatorApi> = {
    heartbeat: async (groupId) => {
      calls.push(`heartbeat ${groupId}`);
      if (groupId === "slow") await held;
      if (groupId === "missing") throw new RivuletError("unknown_member", "no such member");
    },
    listGroups: async () => {
      calls.push("listGroups");
      return [{ groupId: "g", protocolType: "consumer", state: "Stable" }];
    },
  };
  const broker: Partial<KafkaBroker> = {
    groups: groups as GroupCoordinatorApi,
    appendBatch: async (topic, partition, batches): Promise<AppendBatchResult> => {
      calls.push(`append ${topic}/${partition} ${batches.length} ${batches[0]}`);
      // as Broker.appendBatch does: copy with slice(), then transfer the copy to a worker
      const own = batches.slice();
      structuredClone(own.buffer, { transfer: [own.buffer] });
      return { baseOffset: 0, lastOffset: 0, logAppendTime: -1, logStartOffset: 0 };
    },
    listTopics: async () => ["orders"],
    describeTopic: async (name): Promise<TopicDescription> => ({
      name, config: {} as TopicDescription["config"], partitions: [{ partition: 0, startOffset: 0, endOffset: 0, worker: 0, status: "online", sizeBytes: 0 }],
    }),
  };
  /** Resolves once `count` calls were made: tests wait for the listener to get there, not for a time. */
  const reached = async (count: number): Promise<void> => {
    const until = Date.now() + 20_000;
    while (calls.length < count) {
      if (Date.now() > until) throw new Error(`only ${calls.length} of ${count} calls within 20 s: ${calls.join(", ")}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  return { broker: broker as KafkaBroker, calls, reached, release: () => releaseHeld() };
}

async function withListener(options: KafkaListenerOptions, fn: (port: number, stub: ReturnType<typeof stubBroker>) => Promise<void>): Promise<void> {
  const stub = stubBroker();
  const listener = await startKafkaListener(stub.broker, { host: "127.0.0.1", port: 0, ...options });
  try {
    await fn(listener.port, stub);
  } finally {
    stub.release();
    await listener.close();
  }
}

const heartbeat = (id: number, group: string) => requestFrame(12, 3, id, (w) => w.string(group).int32(1).string("m").nullableString(null));
const listGroups = (id: number) => requestFrame(16, 2, id, () => undefined);
const apiVersions = (id: number, version = 2) => requestFrame(18, version, id, () => undefined);

test("startKafkaListener() answers pipelined requests in request order", async () => {
  await withListener({}, async (port, stub) => {
    const client = await RawClient.connect(port);
    client.send(new Uint8Array([...heartbeat(1, "slow"), ...listGroups(2), ...heartbeat(3, "missing")]));
    await stub.reached(3);
    assert.equal(stub.calls, ["heartbeat slow", "listGroups", "heartbeat missing"], "all three started at once");
    assert.is(await client.next(100), null, "nothing is written while the first is held");
    stub.release();
    const frames = [await client.next(), await client.next(), await client.next()];
    assert.equal(frames.map((f) => correlationOf(f!)), [1, 2, 3]);
    const third = new Reader(frames[2]!, 4);
    assert.equal([third.int32(), third.int16()], [0, 25], "UNKNOWN_MEMBER_ID from a RivuletError");
    client.close();
  });
});

test("startKafkaListener() answers ApiVersions v4 with UNSUPPORTED_VERSION in the v0 layout", async () => {
  await withListener({}, async (port) => {
    const client = await RawClient.connect(port);
    // v4 (not implemented) keeps v3's flexible header (tagged fields) and compact body
    client.send(requestFrame(18, 4, 7, (w) => w.compactString("librdkafka").compactString("2.0.2").emptyTaggedFields()));
    const frame = (await client.next())!;
    const r = new Reader(frame);
    assert.is(r.int32(), 7, "response header v0: no tagged fields");
    assert.is(r.int16(), 35);
    const apis = r.array((x) => [x.int16(), x.int16(), x.int16()], 6);
    assert.equal(apis.find((a) => a[0] === 18), [18, 0, 3]);
    assert.is(r.remaining, 0);
    client.send(requestFrame(18, 3, 8, (w) => w.compactString("librdkafka").compactString("2.0.2").emptyTaggedFields()));
    const retry = new Reader((await client.next())!);
    assert.equal([retry.int32(), retry.int16()], [8, 0], "v3 is answered, still with response header v0");
    const listed = retry.compactArray((x) => {
      const api = [x.int16(), x.int16(), x.int16()];
      x.skipTaggedFields();
      return api;
    }, 7);
    assert.equal(listed.find((a) => a[0] === 18), [18, 0, 3]);
    assert.equal([retry.int32(), retry.unsignedVarint(), retry.remaining], [0, 0, 0], "throttle, no tagged fields, nothing more");
    client.close();
  });
});

test("startKafkaListener() sends no response to Produce with acks=0", async () => {
  await withListener({}, async (port, stub) => {
    const client = await RawClient.connect(port);
    const batch = new Uint8Array(70).fill(1);
    const produce = (id: number, acks: number) => requestFrame(0, 7, id, (w) => {
      w.nullableString(null).int16(acks).int32(1000);
      w.array([0], (tw) => tw.string("orders").array([0], (pw) => pw.int32(0).bytes(batch)));
    });
    client.send(new Uint8Array([...produce(1, 0), ...produce(2, 1)]));
    const first = (await client.next())!;
    assert.is(correlationOf(first), 2, "the acks=0 request got no reply");
    assert.equal(stub.calls, ["append orders/0 70 1", "append orders/0 70 1"]);
    client.close();
  });
});

test("startKafkaListener() hands each partition's records to the broker intact when the broker transfers a copy", async () => {
  await withListener({}, async (port, stub) => {
    const client = await RawClient.connect(port);
    client.send(requestFrame(0, 7, 1, (w) => {
      w.nullableString(null).int16(1).int32(1000);
      w.array([0], (tw) => tw.string("orders").array([1, 2, 3], (pw, i) => pw.int32(i).bytes(new Uint8Array(64).fill(i))));
    }));
    const reply = new Reader((await client.next())!, 4);
    reply.int32();
    reply.string();
    const partitions = reply.array((r) => [r.int32(), r.int16(), r.int64(), r.int64(), r.int64()], 30);
    assert.equal(partitions.map((p) => p.slice(0, 2)), [[1, 0], [2, 0], [3, 0]]);
    assert.equal(stub.calls, ["append orders/1 64 1", "append orders/2 64 2", "append orders/3 64 3"]);
    client.close();
  });
});

test("startKafkaListener() closes the connection on a malformed request, after earlier replies", async () => {
  await withListener({}, async (port) => {
    const client = await RawClient.connect(port);
    const truncated = requestFrame(12, 3, 2, (w) => w.string("g").int32(1));
    client.send(new Uint8Array([...listGroups(1), ...truncated, ...listGroups(3)]));
    assert.is(correlationOf((await client.next())!), 1);
    assert.is(await client.next(), null);
    assert.ok(await client.waitClosed(), "closed");
  });
});

test("startKafkaListener() closes the connection on an unsupported version or api key", async () => {
  await withListener({}, async (port) => {
    for (const frame of [requestFrame(3, 99, 1, () => undefined), requestFrame(77, 0, 1, () => undefined)]) {
      const client = await RawClient.connect(port);
      client.send(frame);
      assert.is(await client.next(), null);
      assert.ok(await client.waitClosed());
    }
  });
});

test("startKafkaListener() closes the connection on a size prefix above kafkaFrameBytesMax", async () => {
  await withListener({ limits: { kafkaFrameBytesMax: 64 } }, async (port, stub) => {
    const client = await RawClient.connect(port);
    client.send(new Uint8Array([0, 0, 0, 65, 1, 2, 3]));
    assert.ok(await client.waitClosed(), "closed without waiting for the body");
    assert.equal(stub.calls, []);
  });
});

test("startKafkaListener() stops reading a connection past kafkaConnectionInFlightBytesMax", async () => {
  await withListener({ limits: { kafkaConnectionInFlightBytesMax: 16 } }, async (port, stub) => {
    const client = await RawClient.connect(port);
    client.send(heartbeat(1, "slow"));
    await stub.reached(1);
    client.send(listGroups(2));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(stub.calls, ["heartbeat slow"], "the second request is not read while the first holds the budget");
    stub.release();
    assert.equal([correlationOf((await client.next())!), correlationOf((await client.next())!)], [1, 2]);
    assert.equal(stub.calls, ["heartbeat slow", "listGroups"]);
    client.close();
  });
});

test("startKafkaListener() stops reading every connection past kafkaInFlightBytesMax", async () => {
  await withListener({ limits: { kafkaInFlightBytesMax: 16 } }, async (port, stub) => {
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    a.send(heartbeat(1, "slow"));
    await stub.reached(1);
    b.send(listGroups(2));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(stub.calls, ["heartbeat slow"], "another connection waits for the shared budget");
    stub.release();
    assert.is(correlationOf((await a.next())!), 1);
    assert.is(correlationOf((await b.next())!), 2);
    a.close();
    b.close();
  });
});

test("startKafkaListener() advertises the address the client connected to", async () => {
  await withListener({}, async (port) => {
    const client = await RawClient.connect(port);
    client.send(requestFrame(3, 6, 5, (w) => w.int32(-1).boolean(false)));
    const r = new Reader((await client.next())!);
    assert.is(r.int32(), 5);
    assert.is(r.int32(), 0, "throttle");
    const brokers = r.array((x) => ({ nodeId: x.int32(), host: x.string(), port: x.int32(), rack: x.nullableString() }), 14);
    assert.equal(brokers, [{ nodeId: 1, host: "127.0.0.1", port, rack: null }]);
    client.close();
  });
  await withListener({ advertisedHost: "kafka.example", advertisedPort: 9092, nodeId: 3 }, async (port) => {
    const client = await RawClient.connect(port);
    client.send(requestFrame(10, 2, 6, (w) => w.string("g").int8(0)));
    const r = new Reader((await client.next())!);
    assert.equal([r.int32(), r.int32(), r.int16(), r.nullableString(), r.int32(), r.string(), r.int32()], [6, 0, 0, null, 3, "kafka.example", 9092]);
    client.close();
  });
});

test("KafkaListener.close() closes open connections", async () => {
  const stub = stubBroker();
  const listener = await startKafkaListener(stub.broker, { host: "127.0.0.1", port: 0 });
  const client = await RawClient.connect(listener.port);
  client.send(apiVersions(1));
  assert.is(correlationOf((await client.next())!), 1);
  await listener.close();
  assert.ok(await client.waitClosed());
});

test.run();
