/** A broker running alone answers GET /v1/cluster with itself: one broker, its own controller. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Broker } from "../../groups/broker.ts";
import { serve } from "../../server/serve.ts";
import { tempDir } from "../support/temp-dir.ts";

test("GET /v1/cluster alone: one broker with its HTTP and Kafka ports, controller = itself; describe has no cluster fields", async () => {
  const data = tempDir("rivulet-alone-");
  const broker = await Broker.open({ dataDir: data.dir, maxWorkers: 1 });
  const server = await serve(broker, { port: 0, kafkaPort: 0 });
  try {
    const body = await (await fetch(`${server.url}/v1/cluster`)).json();
    assert.equal(body, { cluster_id: "rivulet", controller: 1, brokers: [{ id: 1, host: "127.0.0.1", port: server.port, kafka_port: server.kafkaPort, status: "online" }] });
    await broker.createTopic("solo", { partitions: 1 });
    const described = await (await fetch(`${server.url}/v1/topics/solo`)).json();
    assert.equal(Object.keys(described.partitions[0]).sort(), ["end_offset", "partition", "size_bytes", "start_offset", "status", "worker"]);
  } finally {
    await server.close();
    await broker.close();
    data.remove();
  }
});

test("without a Kafka listener, kafka_port is null", async () => {
  const data = tempDir("rivulet-alone-");
  const broker = await Broker.open({ dataDir: data.dir, maxWorkers: 1 });
  const server = await serve(broker, { port: 0 });
  try {
    const body = await (await fetch(`${server.url}/v1/cluster`)).json();
    assert.is(body.brokers[0].kafka_port, null);
  } finally {
    await server.close();
    await broker.close();
    data.remove();
  }
});

test.run();
