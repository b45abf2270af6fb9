/**
 * Durable Streams on any broker of a three-broker cluster (real etcd, in-process `serve()`s with
 * real replication): a stream created on broker 1, a long-poll waiting on broker 3, an append
 * on broker 2 that wakes it, a catch-up read on broker 1, the stream's data topic and the
 * streams' metadata (`__ds_streams`) replicated to every broker (RF 3), and a delete on broker 2
 * seen on broker 3; after the serving broker leaves, the next one serves the stream from what
 * was replicated.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Broker } from "../../groups/broker.ts";
import { serve, type Server } from "../../server/serve.ts";
import { tempDir } from "../support/temp-dir.ts";
import { useEtcd, within } from "../support/etcd.ts";

let endpoint = "";
const skip = useEtcd(test, (started) => {
  endpoint = started.endpoint;
});

interface Member {
  broker: Broker;
  server: Server;
  data: { dir: string; remove(): void };
}

async function startMember(id: number): Promise<Member> {
  const data = tempDir(`rivulet-dsc${id}-`);
  const broker = await Broker.open({ dataDir: data.dir, maxWorkers: 1 });
  const server = await serve(broker, { port: 0, kafkaPort: 0, cluster: { etcd: endpoint, brokerId: id, name: "streams" } });
  return { broker, server, data };
}

if (!skip) {
  test("a stream created on broker 1, appended to on broker 2, read live on broker 3", async () => {
    const members: Member[] = [];
    const closed = new Set<Member>();
    try {
      for (const id of [1, 2, 3]) members.push(await startMember(id));
      const [b1, b2, b3] = members.map((m) => m.server.url);

      const created = await fetch(`${b1}/v1/stream/chat`, { method: "PUT", headers: { "content-type": "text/plain" } });
      assert.is(created.status, 201, await created.clone().text());
      await created.text();

      const head = await fetch(`${b3}/v1/stream/chat`, { method: "HEAD" });
      assert.is(head.status, 200);
      const tail = head.headers.get("stream-next-offset");
      assert.ok(tail, "HEAD on broker 3 gives the tail");

      // A long-poll on broker 3 waits for the next append, which broker 2 takes.
      const live = fetch(`${b3}/v1/stream/chat?offset=${encodeURIComponent(tail!)}&live=long-poll`);
      const appended = await fetch(`${b2}/v1/stream/chat`, { method: "POST", headers: { "content-type": "text/plain" }, body: "hello from broker 2" });
      assert.ok(appended.status === 200 || appended.status === 204, `append answered ${appended.status}: ${await appended.clone().text()}`);
      await appended.text();
      const woken = await within(live, 30_000, "the long-poll on broker 3");
      assert.is(woken.status, 200);
      assert.is(await woken.text(), "hello from broker 2");

      const caughtUp = await fetch(`${b1}/v1/stream/chat?offset=-1`);
      assert.is(caughtUp.status, 200);
      assert.is(await caughtUp.text(), "hello from broker 2");

      // The stream's data topic: one partition, replicated to all three brokers, with a leader.
      const topics = await members[0].server.node!.cache.topics().filter((t) => t.name.startsWith("__ds."));
      assert.is(topics.length, 1);
      assert.equal([...topics[0].replicas[0]].sort(), [1, 2, 3]);
      // The streams' metadata too.
      assert.equal([...members[0].server.node!.view.partition("__ds_streams", 0)!.replicas].sort(), [1, 2, 3]);
      const coordinator = members[0].server.node!.view.partition("__ds_streams", 0)!.leader;
      const dataLeader = members[0].server.node!.view.partition(topics[0].name, 0)!.leader;
      console.log(`    streams served by broker ${coordinator}; the stream's data led by broker ${dataLeader}`);

      // The coordinator leaves: another broker becomes the leader of __ds_streams/0 and serves the
      // stream from the replicated metadata and data, appends included.
      const leaving = members[coordinator - 1];
      await leaving.server.close();
      await leaving.broker.close();
      closed.add(leaving);
      const survivors = members.filter((m) => m !== leaving).map((m) => m.server.url);
      let last = "";
      let late = false;
      const next = await within((async () => {
        while (!late) {
          const answer = await fetch(`${survivors[0]}/v1/stream/chat?offset=-1`);
          if (answer.status === 200) return await answer.text();
          last = `${answer.status} ${await answer.text()}`;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      })(), 30_000, "the stream served by the next coordinator").catch((error: Error) => {
        late = true;
        const states = members.filter((m) => !closed.has(m)).map((m) => ({ id: m.server.node!.brokerId, ds: m.server.node!.view.partition("__ds_streams", 0), data: m.server.node!.view.partition(topics[0].name, 0) }));
        throw new Error(`${error.message}; last answer: ${last}; ${JSON.stringify(states)}`);
      });
      assert.is(next, "hello from broker 2");
      const again = await fetch(`${survivors[1]}/v1/stream/chat`, { method: "POST", headers: { "content-type": "text/plain" }, body: " and again" });
      assert.ok(again.status === 200 || again.status === 204, `append answered ${again.status}: ${await again.clone().text()}`);
      await again.text();
      assert.is(await (await fetch(`${survivors[0]}/v1/stream/chat?offset=-1`)).text(), "hello from broker 2 and again");

      const deleted = await fetch(`${survivors[1]}/v1/stream/chat`, { method: "DELETE" });
      assert.is(deleted.status, 204, await deleted.clone().text());
      assert.is((await fetch(`${survivors[0]}/v1/stream/chat`, { method: "HEAD" })).status, 404);
    } finally {
      for (const m of members) {
        if (!closed.has(m)) {
          await m.server.close();
          await m.broker.close();
        }
        m.data.remove();
      }
    }
  });

  test.run();
}
