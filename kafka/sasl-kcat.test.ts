import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Authenticator } from "../auth/authenticator.ts";
import { startHarness, type Harness } from "../test/support/kafka/harness.ts";
import { saslPrincipals, selfSignedCert } from "../test/support/kafka/sasl.ts";

const kcatPresent = !spawnSync("kcat", ["-V"], { stdio: "ignore" }).error;
if (!kcatPresent) console.log("kcat is not installed (apt-get install -y kcat): skipping the kcat SASL tests");
const tls = kcatPresent ? selfSignedCert() : null;
if (kcatPresent && !tls) console.log("openssl is not installed: skipping the kcat SASL_SSL test");

const authenticator = new Authenticator(saslPrincipals, { authFailureDelayMinMs: 1, authFailureDelayMaxMs: 20 });
let plain: Harness;
let secure: Harness;
const dir = mkdtempSync(join(tmpdir(), "rivulet-kcat-sasl-"));
const caPath = join(dir, "ca.pem");

test.before(async () => {
  if (!kcatPresent) return;
  plain = await startHarness({ auth: authenticator });
  if (tls) {
    writeFileSync(caPath, tls.cert);
    secure = await startHarness({ auth: authenticator, tls });
  }
});

test.after(async () => {
  if (kcatPresent) await plain.close();
  if (tls) await secure.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs kcat; resolves with its exit code, stdout and stderr. */
function kcat(args: string[], input = "", timeoutMs = 30_000): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn("kcat", args, { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
    child.stderr.on("data", (d: Uint8Array) => (err += new TextDecoder().decode(d)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
    child.stdin.end(input);
  });
}

function saslSsl(mechanism: string, password: string): string[] {
  return ["-b", secure.address, "-X", "security.protocol=SASL_SSL", "-X", `sasl.mechanisms=${mechanism}`, "-X", "sasl.username=ops", "-X", `sasl.password=${password}`, "-X", `ssl.ca.location=${caPath}`];
}

function saslPlaintext(password: string): string[] {
  return ["-b", plain.address, "-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanisms=PLAIN", "-X", "sasl.username=ops", "-X", `sasl.password=${password}`];
}

(kcatPresent && tls ? test : test.skip)("kcat over SASL_SSL with SCRAM-SHA-512 produces and consumes", async () => {
  await secure.broker.createTopic("kcat-ssl", { partitions: 1 });
  const produced = await kcat([...saslSsl("SCRAM-SHA-512", "ops-secret-123"), "-P", "-t", "kcat-ssl", "-K", ":", "-p", "0"], "alice:paid 200\nbob:paid 5\n");
  assert.is(produced.code, 0, produced.err);
  assert.is(await secure.broker.listOffset("kcat-ssl", 0, "latest"), 2);
  const consumed = await kcat([...saslSsl("SCRAM-SHA-512", "ops-secret-123"), "-C", "-t", "kcat-ssl", "-e", "-q", "-f", "%o %k=%s\\n"]);
  assert.is(consumed.code, 0, consumed.err);
  assert.equal(consumed.out.trim().split("\n"), ["0 alice=paid 200", "1 bob=paid 5"]);
});

(kcatPresent && tls ? test : test.skip)("kcat over SASL_SSL with SCRAM-SHA-256 and a wrong password fails and writes nothing", async () => {
  await secure.broker.createTopic("kcat-ssl-guarded", { partitions: 1 });
  const refused = await kcat([...saslSsl("SCRAM-SHA-256", "ops-secret-999"), "-X", "message.timeout.ms=3000", "-P", "-t", "kcat-ssl-guarded", "-p", "0"], "intruder\n", 20_000);
  assert.is.not(refused.code, 0);
  assert.match(refused.err, /SASL authentication error|Authentication failed/i);
  assert.not.match(refused.err, /ops-secret-999/, "kcat prints no secret the broker sent back");
  assert.is(await secure.broker.listOffset("kcat-ssl-guarded", 0, "latest"), 0);
});

(kcatPresent ? test : test.skip)("kcat over SASL_PLAINTEXT with PLAIN produces and consumes", async () => {
  await plain.broker.createTopic("kcat-plain", { partitions: 1 });
  const produced = await kcat([...saslPlaintext("ops-secret-123"), "-P", "-t", "kcat-plain", "-p", "0"], "one\ntwo\n");
  assert.is(produced.code, 0, produced.err);
  const consumed = await kcat([...saslPlaintext("ops-secret-123"), "-C", "-t", "kcat-plain", "-e", "-q", "-f", "%o %s\\n"]);
  assert.is(consumed.code, 0, consumed.err);
  assert.equal(consumed.out.trim().split("\n"), ["0 one", "1 two"]);
});

(kcatPresent ? test : test.skip)("kcat without SASL on a SASL listener gets nothing", async () => {
  await plain.broker.createTopic("kcat-nosasl", { partitions: 1 });
  const refused = await kcat(["-b", plain.address, "-X", "message.timeout.ms=3000", "-P", "-t", "kcat-nosasl", "-p", "0"], "intruder\n", 20_000);
  assert.is.not(refused.code, 0);
  assert.is(await plain.broker.listOffset("kcat-nosasl", 0, "latest"), 0);
});

test.run();
