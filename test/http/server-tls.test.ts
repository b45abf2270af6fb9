import { test } from "uvu";
import * as assert from "uvu/assert";
import { request } from "node:https";
import { serve } from "../../server/serve.ts";
import { openTestBroker } from "../support/http/fixture.ts";
import { selfSignedCert } from "../support/tls.ts";

function get(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const tls = selfSignedCert();
if (!tls) console.log("openssl is not installed: the TLS test is skipped");
const fixture = await openTestBroker();
test.after(() => fixture.close());

(tls ? test : test.skip)("serve() with tls serves HTTPS with the given certificate", async () => {
  const server = await serve(fixture.broker, { port: 0, tls: tls! });
  try {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await get(`${server.url}/health`, tls!.cert);
    assert.is(res.status, 200);
    assert.equal(JSON.parse(res.body), { status: "ok" });
    let plainFailed = false;
    await fetch(`http://127.0.0.1:${server.port}/health`).then((r) => r.text()).catch(() => (plainFailed = true));
    assert.ok(plainFailed, "plain HTTP is not served on the TLS port");
  } finally {
    await server.close();
  }
});

test.run();
