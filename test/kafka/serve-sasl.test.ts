import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Authenticator } from "../../auth/authenticator.ts";
import { serve } from "../../server/serve.ts";
import { openTestBroker } from "../support/http/fixture.ts";
import { kafkajsSasl, saslKafka, saslPrincipals, selfSignedCert } from "../support/kafka/sasl.ts";

const tls = selfSignedCert();
if (!tls) console.log("openssl is not installed: the serve() SASL_SSL test is skipped");
const fixture = await openTestBroker();
const dir = mkdtempSync(join(tmpdir(), "rivulet-serve-sasl-"));
test.after(async () => {
  await fixture.close();
  rmSync(dir, { recursive: true, force: true });
});

function httpsStatus(url: string, ca: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

(tls ? test : test.skip)("serve() with an auth file and tls guards HTTPS with bearer tokens and Kafka with SASL over TLS", async () => {
  const authFile = join(dir, "auth.json");
  writeFileSync(authFile, JSON.stringify(saslPrincipals));
  const server = await serve(fixture.broker, { port: 0, kafkaPort: 0, authFile, tls: tls! });
  try {
    assert.is(await httpsStatus(`${server.url}/v1/topics`, tls!.cert), 401);
    assert.is(await httpsStatus(`${server.url}/v1/topics`, tls!.cert, "ops-secret-123"), 200);
    const address = `127.0.0.1:${server.kafkaPort}`;
    const admin = saslKafka(address, kafkajsSasl("scram-sha-256", "ops", "ops-secret-123"), { ca: tls!.cert }).admin();
    await admin.connect();
    try {
      assert.is(await admin.createTopics({ topics: [{ topic: "served-over-tls" }] }), true);
    } finally {
      await admin.disconnect();
    }
    const anonymous = saslKafka(address, undefined, { ca: tls!.cert, retries: 0 }).admin();
    const refused = await anonymous.connect().then(() => anonymous.listTopics()).then(() => null, (e: Error) => e);
    await anonymous.disconnect().catch(() => undefined);
    assert.instance(refused, Error, "no SASL, no answer");
  } finally {
    await server.close();
  }
});

test("serve() hands its one Authenticator to the Kafka listener: Kafka failures count where HTTP's do", async () => {
  const auth = new Authenticator(saslPrincipals, { authFailureDelayMinMs: 1, authFailureDelayMaxMs: 2 });
  const server = await serve(fixture.broker, { port: 0, kafkaPort: 0, auth });
  try {
    const admin = saslKafka(`127.0.0.1:${server.kafkaPort}`, kafkajsSasl("plain", "ops", "wrong-password"), { retries: 0 }).admin();
    const error = await admin.connect().then(() => null, (e: Error) => e);
    await admin.disconnect().catch(() => undefined);
    assert.instance(error, Error);
    assert.is(auth.failures.counts.get("kafka"), 1);
    const ok = saslKafka(`127.0.0.1:${server.kafkaPort}`, kafkajsSasl("plain", "reader", "reader-secret-1")).admin();
    await ok.connect();
    await ok.disconnect();
    assert.is((await fetch(`${server.url}/v1/topics`)).status, 401, "the same principals guard HTTP");
  } finally {
    await server.close();
  }
});

test.run();
