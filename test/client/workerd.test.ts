/**
 * `rivulet/client` inside workerd, Cloudflare's Workers runtime, through miniflare: a worker
 * (test/support/fixtures/client-worker.ts, bundled with the client by esbuild into one ES
 * module) produces to, fetches from and subscribes to a real server on 127.0.0.1, with its
 * first produce answer lost on the way (a proxy cuts it). miniflare runs on Node only, so on
 * Bun and Deno this file prints why it skips and runs nothing.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runtimeName } from "../../runtime/runtime-name.ts";

if (runtimeName !== "node") {
  console.log(`skipped on ${runtimeName}: miniflare (workerd) runs on Node only; this file runs under Node`);
} else {
  const { fileURLToPath } = await import("node:url");
  const { build } = await import("esbuild");
  const { Miniflare } = await import("miniflare");
  const { serve } = await import("../../server/serve.ts");
  const { openTestBroker, uniqueName } = await import("../support/http/fixture.ts");
  const { startDropProxy } = await import("../support/http/drop-proxy.ts");

  const fixture = await openTestBroker({ maxWorkers: 2 });
  const server = await serve(fixture.broker, { host: "127.0.0.1", port: 0 });
  let toDrop = 0;
  const proxy = await startDropProxy(server.port, (head) => head.startsWith("POST /v1/topics/") && toDrop-- > 0 ? "drop" : "pass");
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL("../support/fixtures/client-worker.ts", import.meta.url))],
    bundle: true, format: "esm", platform: "neutral", target: "es2022", write: false,
  });
  const mf = new Miniflare({ modules: true, script: bundled.outputFiles[0].text, compatibilityDate: "2025-01-01" });
  test.after(async () => {
    await mf.dispose();
    await proxy.close();
    await server.close();
    await fixture.close();
  });

  test("a worker in workerd produces (retrying a lost answer), fetches and subscribes", async () => {
    const topic = uniqueName("wd");
    await fixture.broker.createTopic(topic, { partitions: 1 });
    toDrop = 1;
    const before = proxy.dropped;
    const res = await mf.dispatchFetch(`http://worker/?server=${encodeURIComponent(proxy.url)}&topic=${topic}`);
    const body = await res.json() as Record<string, unknown>;
    assert.is(res.status, 200, JSON.stringify(body));
    assert.is(body.userAgent, "Cloudflare-Workers", "the code ran inside workerd");
    assert.is(proxy.dropped - before, 1, "the first produce answer was lost");
    assert.equal(body.positions, [{ partition: 0, offset: 0 }, { partition: 0, offset: 1 }, { partition: 0, offset: 2 }]);
    assert.equal(body.fetched, [
      { offset: 0, key: "a", value: { n: 1 }, headers: {} },
      { offset: 1, key: "b", value: { n: 2 }, headers: {} },
      { offset: 2, key: null, value: null, headers: { h: "v" } },
    ]);
    assert.equal(body.subscribed, [
      { offset: 0, key: "a", value: { n: 1 }, bytes: null },
      { offset: 1, key: "b", value: { n: 2 }, bytes: null },
      { offset: 2, key: null, value: null, bytes: [1, 2, 3] },
    ]);
    const stored = await fixture.broker.fetch(topic, 0, { offset: 0 });
    assert.is(stored.records.length, 3, "the retried produce stored each record once");
  });
}

test.run();
