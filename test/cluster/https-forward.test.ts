/**
 * Brokers that serve HTTPS with a self-signed certificate (`--tls-cert`/`--tls-key`) and an auth
 * file forward HTTP requests to each other trusting that certificate, as their Kafka channels do
 * (real etcd, three in-process `serve()`s with real replication). Through a broker that coordinates
 * no group and does not lead the partitions read: a produce (split to the partitions' leaders), a
 * fetch and an SSE stream (forwarded to the leader; the leader's stream ends when the client
 * goes), and a group's join, poll (the coordinator reading partitions led elsewhere), commit,
 * describe and leave (forwarded to the coordinator), each with the right data.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startMembers, stopMembers } from "../support/cluster/in-process-cluster.ts";
import { selfSignedCert } from "../support/tls.ts";
import { useEtcd } from "../support/etcd.ts";
import { until } from "../support/cluster/elastic-cluster.ts";
import { SseReader } from "../support/http/sse-reader.ts";
import { OFFSETS_TOPIC } from "../../groups/offset-log.ts";
import type { AuthConfig } from "../../auth/auth-config.ts";
import { trustingFetch } from "../../runtime/trusting-fetch.ts";

const appToken = "app-secret-token-9";
const auth: AuthConfig = {
  tokens: [
    { name: "broker", token: "inter-broker-secret-9", rights: [{ access: "admin", topics: "*" }] },
    { name: "app", token: appToken, rights: [{ access: "admin", topics: "hts*" }, { access: "read", groups: "hts*" }] },
  ],
};

let endpoint = "";
const skip = useEtcd(test, (started) => {
  endpoint = started.endpoint;
});
const tls = selfSignedCert();
if (!tls) console.log("  skipped: openssl is missing (no certificate for the HTTPS listeners)");

if (!skip && tls) {
  // The test's own client trusts the brokers' certificate as they trust each other's.
  const client = trustingFetch(tls.cert);
  const headers = { authorization: `Bearer ${appToken}`, "content-type": "application/json" };
  const call = async (url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const response = await client(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: kept as text for the failure message
    }
    return { status: response.status, body: parsed };
  };
  const gauge = async (url: string, name: string): Promise<number> => {
    const { body } = await call(url, "GET", "/metrics");
    const line = String(body).split("\n").find((l) => l.startsWith(name + " "));
    return line ? Number(line.slice(name.length + 1)) : Number.NaN;
  };

  test("over HTTPS with a self-signed certificate and auth, produce, fetch, SSE and group routes through a broker that leads and coordinates none of them", async () => {
    const members = await startMembers(endpoint, "htf", { secure: { tls, auth, interBrokerUser: "broker" } });
    try {
      const cache = members[0].server.node!.cache;
      const created = await call(members[0].server.url, "POST", "/v1/topics", { name: "hts", partitions: 3, replication_factor: 3 });
      assert.is(created.status, 201, JSON.stringify(created.body));
      // (the brokers create the group coordinator's partition as they join)
      for (const m of members) {
        const c = m.server.node!.cache;
        await until(c, () => [0, 1, 2].every((p) => (c.partition("hts", p)?.leader ?? -1) >= 0) && (c.partition(OFFSETS_TOPIC, 0)?.leader ?? -1) >= 0, 30_000, `hts and ${OFFSETS_TOPIC} led as broker ${m.id} sees them`);
      }
      const leaders = [0, 1, 2].map((p) => cache.partition("hts", p)!.leader);
      const coordinator = cache.partition(OFFSETS_TOPIC, 0)!.leader;
      const door = members.find((m) => m.id !== coordinator && leaders.some((l) => l !== m.id))!;
      assert.ok(door, `a broker other than the coordinator ${coordinator} that does not lead every partition (leaders ${leaders})`);
      const elsewhere = [0, 1, 2].filter((p) => leaders[p] !== door.id);
      assert.ok(leaders.some((l) => l !== coordinator), `a partition the coordinator ${coordinator} does not lead (leaders ${leaders})`);

      // Produce: the records of each partition go to its leader.
      const records = [0, 1, 2].flatMap((partition) => [0, 1].map((i) => ({ key: `k${partition}-${i}`, value: { partition, i }, partition })));
      const produced = await call(door.server.url, "POST", "/v1/topics/hts/records", { records });
      assert.is(produced.status, 200, JSON.stringify(produced.body));
      assert.equal(produced.body.offsets, records.map((r, i) => ({ partition: r.partition, offset: i % 2 })));

      // Fetch: forwarded to each partition's leader.
      for (const p of elsewhere) {
        const fetched = await call(door.server.url, "GET", `/v1/topics/hts/partitions/${p}/records?offset=0&max_records=10`);
        assert.is(fetched.status, 200, JSON.stringify(fetched.body));
        assert.equal(fetched.body.records.map((r: any) => [r.offset, r.key, r.value]), [[0, `k${p}-0`, { partition: p, i: 0 }], [1, `k${p}-1`, { partition: p, i: 1 }]], `hts/${p} through broker ${door.id}`);
      }

      // SSE: streamed from the leader as it comes; the client's going ends the leader's stream.
      const streamed = elsewhere[0];
      const leaderUrl = members[leaders[streamed] - 1].server.url;
      const gone = new AbortController();
      const sse = await client(`${door.server.url}/v1/topics/hts/partitions/${streamed}/stream?offset=0`, { headers, signal: gone.signal });
      assert.is(sse.status, 200, sse.status === 200 ? "" : await sse.text());
      const reader = new SseReader(sse.body!);
      for (const offset of [0, 1]) {
        const event = await reader.next();
        assert.is(event?.id, String(offset));
        assert.equal(JSON.parse(event!.data).value, { partition: streamed, i: offset });
      }
      assert.is(await gauge(leaderUrl, "rivulet_sse_streams_open"), 1, "the leader serves the stream");
      gone.abort();
      await reader.cancel();
      const deadline = Date.now() + 20_000; // a safety bound on the wait for the gauge, not a timing claim
      while ((await gauge(leaderUrl, "rivulet_sse_streams_open")) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.is(await gauge(leaderUrl, "rivulet_sse_streams_open"), 0, "the leader's stream ended with the client's");

      // Groups: forwarded to the coordinator, which reads the partitions led elsewhere from their leaders.
      const joined = await call(door.server.url, "POST", "/v1/groups/htsg/members", { topics: ["hts"] });
      assert.is(joined.status, 200, JSON.stringify(joined.body));
      const member = joined.body.member_id as string;
      assert.equal(joined.body.assignments.map((a: any) => a.partition).sort(), [0, 1, 2]);
      const seen: Array<[number, number, string]> = [];
      for (let polls = 0; seen.length < records.length && polls < 50; polls++) {
        const polled = await call(door.server.url, "GET", `/v1/groups/htsg/members/${member}/records?max_records=100&wait_ms=1000`);
        assert.is(polled.status, 200, JSON.stringify(polled.body));
        for (const r of polled.body.records) seen.push([r.partition, r.offset, r.key]);
      }
      assert.equal(seen.sort(), records.map((r, i) => [r.partition, i % 2, r.key]));
      const committed = await call(door.server.url, "POST", `/v1/groups/htsg/members/${member}/offsets`, { offsets: [0, 1, 2].map((partition) => ({ topic: "hts", partition, offset: 2 })) });
      assert.is(committed.status, 200, JSON.stringify(committed.body));
      const described = await call(door.server.url, "GET", "/v1/groups/htsg");
      assert.is(described.status, 200, JSON.stringify(described.body));
      assert.equal(described.body.offsets.map((o: any) => [o.partition, o.offset, o.lag]).sort(), [[0, 2, 0], [1, 2, 0], [2, 2, 0]]);
      const left = await client(`${door.server.url}/v1/groups/htsg/members/${member}`, { method: "DELETE", headers });
      assert.is(left.status, 204, await left.text());
    } finally {
      await stopMembers(members);
    }
  });

  test.run();
}
